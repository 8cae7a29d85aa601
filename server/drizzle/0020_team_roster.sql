CREATE TABLE "team_roster" (
	"user_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean NOT NULL,
	"team" text NOT NULL,
	CONSTRAINT "team_roster_user_id_team_id_pk" PRIMARY KEY("user_id","team_id")
);
--> statement-breakpoint
-- Custom part (written by hand after drizzle-kit's CREATE TABLE): team_roster is derived from
-- users, user_teams and teams by the triggers below, and change-logged like every synced table
-- (0002_change_log_triggers.sql), so a membership added or removed, a user renamed, given another
-- role, disabled or enabled, a team renamed, a user or team deleted (user_teams cascades) reaches
-- every workstation's cache as upserts and deletes. The change-log triggers are made before the
-- backfill, so the existing memberships are logged too and reach caches that already hold a cursor.
CREATE OR REPLACE FUNCTION sb_row_key(tbl text, r record) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF tbl = 'product_relations' THEN
    RETURN r.product_id::text || '|' || r.related_product_id::text || '|' || r.kind;
  END IF;
  IF tbl = 'product_prices' THEN
    RETURN r.product_id::text || '|' || r.currency;
  END IF;
  IF tbl = 'team_roster' THEN
    RETURN r.user_id::text || '|' || r.team_id::text;
  END IF;
  RETURN r.id::text;
END $$;
--> statement-breakpoint
CREATE TRIGGER team_roster_log_insert_delete AFTER INSERT OR DELETE ON "team_roster" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER team_roster_log_update AFTER UPDATE ON "team_roster" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_team_roster_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM team_roster WHERE user_id = OLD.user_id AND team_id = OLD.team_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO team_roster (user_id, team_id, username, display_name, role, active, team)
      SELECT u.id, t.id, u.username, u.display_name, u.role, u.active, t.name FROM users u, teams t WHERE u.id = NEW.user_id AND t.id = NEW.team_id
      ON CONFLICT (user_id, team_id) DO UPDATE
        SET username = EXCLUDED.username, display_name = EXCLUDED.display_name, role = EXCLUDED.role, active = EXCLUDED.active, team = EXCLUDED.team;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER user_teams_team_roster AFTER INSERT OR UPDATE OR DELETE ON "user_teams" FOR EACH ROW EXECUTE FUNCTION sb_team_roster_membership();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_team_roster_username() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE team_roster SET username = NEW.username, display_name = NEW.display_name, role = NEW.role, active = NEW.active WHERE user_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_team_roster AFTER UPDATE OF username, display_name, role, active ON "users" FOR EACH ROW
  WHEN ((OLD.username, OLD.display_name, OLD.role, OLD.active) IS DISTINCT FROM (NEW.username, NEW.display_name, NEW.role, NEW.active)) EXECUTE FUNCTION sb_team_roster_username();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_team_roster_team_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE team_roster SET team = NEW.name WHERE team_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER teams_team_roster AFTER UPDATE OF name ON "teams" FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION sb_team_roster_team_name();
--> statement-breakpoint
INSERT INTO team_roster (user_id, team_id, username, display_name, role, active, team)
  SELECT ut.user_id, ut.team_id, u.username, u.display_name, u.role, u.active, t.name FROM user_teams ut JOIN users u ON u.id = ut.user_id JOIN teams t ON t.id = ut.team_id;
