-- Name search: FTS5 over first and last names, accents folded (remove_diacritics 2 reads "Zoë"
-- as "zoe"), with prefix indexes for 1–4 letters so search-as-you-type reads one doclist
-- instead of merging every term that starts with the prefix.
-- External content: the index stores no copy of the names; triggers keep it in step.
CREATE VIRTUAL TABLE `customer_name_fts` USING fts5(
  first_name,
  last_name,
  content='customers',
  content_rowid='row_id',
  tokenize="unicode61 remove_diacritics 2",
  prefix='1 2 3 4'
);
--> statement-breakpoint
INSERT INTO `customer_name_fts`(rowid, first_name, last_name) SELECT row_id, first_name, last_name FROM `customers`;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_ai` AFTER INSERT ON `customers` BEGIN
  INSERT INTO `customer_name_fts`(rowid, first_name, last_name) VALUES (new.row_id, new.first_name, new.last_name);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_ad` AFTER DELETE ON `customers` BEGIN
  INSERT INTO `customer_name_fts`(`customer_name_fts`, rowid, first_name, last_name) VALUES ('delete', old.row_id, old.first_name, old.last_name);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_au` AFTER UPDATE OF first_name, last_name ON `customers` BEGIN
  INSERT INTO `customer_name_fts`(`customer_name_fts`, rowid, first_name, last_name) VALUES ('delete', old.row_id, old.first_name, old.last_name);
  INSERT INTO `customer_name_fts`(rowid, first_name, last_name) VALUES (new.row_id, new.first_name, new.last_name);
END;
