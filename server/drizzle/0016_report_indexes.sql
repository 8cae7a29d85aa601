-- Supervisor metrics (issue 22, server/src/reports): a customer's repeat call on the same issue (first-contact resolution); one CSR's (or a team's, CSR by CSR) complaints, offers and phone orders in a period; the order lines of an offer.
CREATE INDEX "calls_repeat_idx" ON "calls" USING btree ("customer_id","disposition_code","started_at","id");--> statement-breakpoint
CREATE INDEX "complaints_agent_opened_idx" ON "complaints" USING btree ("agent_id","opened_at");--> statement-breakpoint
CREATE INDEX "complaints_agent_resolved_idx" ON "complaints" USING btree ("agent_id","resolved_at");--> statement-breakpoint
CREATE INDEX "offers_agent_presented_idx" ON "offers" USING btree ("agent_id","presented_at");--> statement-breakpoint
CREATE INDEX "order_lines_offer_idx" ON "order_lines" USING btree ("offer_id") WHERE "order_lines"."offer_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "orders_agent_placed_idx" ON "orders" USING btree ("agent_id","placed_at");