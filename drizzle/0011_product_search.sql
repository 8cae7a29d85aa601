-- Catalogue search (issue 21): FTS5 over product names, brands and categories, accents folded
-- (remove_diacritics 2 reads "Brûlée" as "brulee"), with prefix indexes for 1–4 letters so
-- search-as-you-type reads one doclist instead of merging every term that starts with the prefix.
-- Two indexes: product_name_search holds names alone, for the ranks that match names (a column
-- filter on a shared index would still walk every brand and category posting of the word: a
-- brand typed cost ~2.4 ms at 50,000 products instead of ~0.3), and product_search names, brands
-- and categories together, for the words found across them.
-- SKUs and part numbers are in neither: they are found on their own indexes (products_sku_uq,
-- products_part_number_idx), exactly or by prefix.
-- External content, like customer_name_fts (0001): the indexes store no copy of the text;
-- triggers keep them in step. products has no rowid alias, so they point at its implicit rowid:
-- the page applier's upserts never change a row's rowid, and the app runs no VACUUM (which may
-- renumber it; after one, 'rebuild' both).
-- Discontinued products stay indexed (a status change is not a text change); the search leaves
-- them out when it reads the rows.
CREATE VIRTUAL TABLE `product_name_search` USING fts5(
  name,
  content='products',
  tokenize="unicode61 remove_diacritics 2",
  prefix='1 2 3 4'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `product_search` USING fts5(
  name,
  brand,
  category,
  content='products',
  tokenize="unicode61 remove_diacritics 2",
  prefix='1 2 3 4'
);
--> statement-breakpoint
INSERT INTO `product_name_search`(`product_name_search`) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO `product_search`(`product_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `products_search_ai` AFTER INSERT ON `products` BEGIN
  INSERT INTO `product_name_search`(rowid, name) VALUES (new.rowid, new.name);
  INSERT INTO `product_search`(rowid, name, brand, category) VALUES (new.rowid, new.name, new.brand, new.category);
END;
--> statement-breakpoint
CREATE TRIGGER `products_search_ad` AFTER DELETE ON `products` BEGIN
  INSERT INTO `product_name_search`(`product_name_search`, rowid, name) VALUES ('delete', old.rowid, old.name);
  INSERT INTO `product_search`(`product_search`, rowid, name, brand, category) VALUES ('delete', old.rowid, old.name, old.brand, old.category);
END;
--> statement-breakpoint
-- Sync rewrites a product whenever any column differs (its stock, say): only a change of the
-- searched text re-indexes it.
CREATE TRIGGER `products_search_au` AFTER UPDATE OF name, brand, category ON `products`
WHEN old.name IS NOT new.name OR old.brand IS NOT new.brand OR old.category IS NOT new.category BEGIN
  INSERT INTO `product_name_search`(`product_name_search`, rowid, name) VALUES ('delete', old.rowid, old.name);
  INSERT INTO `product_name_search`(rowid, name) VALUES (new.rowid, new.name);
  INSERT INTO `product_search`(`product_search`, rowid, name, brand, category) VALUES ('delete', old.rowid, old.name, old.brand, old.category);
  INSERT INTO `product_search`(rowid, name, brand, category) VALUES (new.rowid, new.name, new.brand, new.category);
END;
