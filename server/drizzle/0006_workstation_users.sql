CREATE TABLE "workstation_users" (
	"workstation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"first_signed_in_at" bigint NOT NULL,
	"last_signed_in_at" bigint NOT NULL,
	CONSTRAINT "workstation_users_workstation_id_user_id_pk" PRIMARY KEY("workstation_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "workstation_users" ADD CONSTRAINT "workstation_users_workstation_id_workstations_id_fk" FOREIGN KEY ("workstation_id") REFERENCES "public"."workstations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstation_users" ADD CONSTRAINT "workstation_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hand-written: the online sign-ins made on each workstation before this table existed, from the
-- sessions they opened, the audit log's sign-in entries, and the workstation's registering and last
-- user, so users who signed in before the upgrade can still push and report from their workstation.
INSERT INTO "workstation_users" ("workstation_id", "user_id", "first_signed_in_at", "last_signed_in_at")
SELECT s."workstation_id", s."user_id", min(s."at"), max(s."at")
FROM (
	SELECT "workstation_id", "user_id", "created_at" AS "at" FROM "sessions" WHERE "workstation_id" IS NOT NULL
	UNION ALL
	SELECT a."workstation_id", a."user_id", a."at" FROM "audit_log" a
		WHERE a."action" = 'sign_in' AND a."workstation_id" IS NOT NULL AND a."user_id" IS NOT NULL
	UNION ALL
	SELECT "id", "registered_by", "registered_at" FROM "workstations"
	UNION ALL
	SELECT "id", "last_user_id", coalesce("last_seen_at", "registered_at") FROM "workstations" WHERE "last_user_id" IS NOT NULL
) s
WHERE EXISTS (SELECT 1 FROM "workstations" w WHERE w."id" = s."workstation_id")
	AND EXISTS (SELECT 1 FROM "users" u WHERE u."id" = s."user_id")
GROUP BY s."workstation_id", s."user_id";
