-- order_lines (customer_id, product_id) is gone: purchase filters and "ever bought" reach a
-- customer's lines through their orders (orders_customer_placed_idx, then order_lines_order_idx).
-- It was the largest of the order-history indexes a first copy builds at its end (see
-- src-main/core/db/deferred-indexes.ts). IF EXISTS: a first copy interrupted before building it
-- left it dropped (deferred), and it is no longer rebuilt.
DROP INDEX IF EXISTS `order_lines_customer_idx`;
