/**
 * Migration 0006 (workstation_users, issue 18, items 1 and 10) on PGlite: a store upgraded from
 * the release before it still knows who had signed in on each workstation — from the sessions
 * they opened, the audit log's sign-ins and the workstation's registering and last user — so the
 * entries those users queued before the upgrade are still accepted from that workstation, and no
 * one else is added.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { MIGRATIONS_FOLDER, openStore } from '../../server/src/db/connect';
import { queryRows } from '../helpers/server-db';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const TAG = '0006_workstation_users';

interface Journal {
  entries: { idx: number; tag: string }[];
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-ws-users-'));
  dirs.push(d);
  return d;
};

/** A copy of the store's migrations up to (not including) `tag`: "the store as released before". */
function migrationsBefore(tag: string): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as Journal;
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at, `${tag} is in the journal`).toBeGreaterThan(0);
  const dst = join(tempDir(), 'drizzle');
  mkdirSync(join(dst, 'meta'), { recursive: true });
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(join(dst, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) copyFileSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(dst, `${e.tag}.sql`));
  return dst;
}

describe('migration 0006 (workstation_users)', () => {
  it('fills in who had signed in on each workstation before the upgrade, and no one else', { timeout: 120_000 }, async () => {
    const dataDir = join(tempDir(), 'store');
    const old = await openStore({ dataDir, migrationsFolder: migrationsBefore(TAG) });
    const user = async (username: string) => (await createUser(old.db, { username, displayName: username, role: 'csr', password: `${username} password` }, FAST_SCRYPT)).id;
    const [reg, last, sess, audited, stranger] = [await user('reg'), await user('last'), await user('sess'), await user('audited'), await user('stranger')];
    const [desk, other] = [randomUUID(), randomUUID()];
    await old.db.execute(sql`insert into workstations (id, name, token_hash, registered_at, registered_by, last_seen_at, last_user_id)
      values (${desk}, 'Desk', 'h1', 1000, ${reg}, 5000, ${last}), (${other}, 'Other', 'h2', 1000, ${stranger}, null, null)`);
    await old.db.execute(sql`insert into sessions (token_hash, user_id, created_at, expires_at, workstation_id)
      values ('s1', ${sess}, 2000, 9000, ${desk}), ('s2', ${sess}, 3000, 9000, ${desk}), ('s3', ${stranger}, 2500, 9000, null)`);
    await old.db.execute(sql`insert into audit_log (at, action, user_id, username, workstation_id, detail)
      values (4000, 'sign_in', ${audited}, 'audited', ${desk}, 'Signed in on Desk.'),
             (4100, 'sign_in_failed', ${stranger}, 'stranger', ${desk}, 'Sign-in failed: wrong password.'),
             (4200, 'sign_in_offline', ${stranger}, 'stranger', ${desk}, 'Recorded offline.')`);
    await old.close();

    const upgraded = await openStore({ dataDir });
    try {
      const rows = await queryRows<{ workstation_id: string; user_id: string; first_signed_in_at: string | number; last_signed_in_at: string | number }>(
        upgraded,
        sql`select workstation_id, user_id, first_signed_in_at, last_signed_in_at from workstation_users`,
      );
      const seen = rows.map((r) => [r.workstation_id, r.user_id, Number(r.first_signed_in_at), Number(r.last_signed_in_at)]);
      expect(seen.sort((a, b) => Number(a[2]) - Number(b[2]) || String(a[1]).localeCompare(String(b[1])))).toEqual(
        [
          [desk, reg, 1000, 1000],
          [other, stranger, 1000, 1000],
          [desk, sess, 2000, 3000],
          [desk, audited, 4000, 4000],
          [desk, last, 5000, 5000],
        ].sort((a, b) => Number(a[2]) - Number(b[2]) || String(a[1]).localeCompare(String(b[1]))),
      );
      // A failed or an offline sign-in reported from the desk, or a session on no workstation, is no sign-in there.
      expect(seen.some(([ws, who]) => ws === desk && who === stranger)).toBe(false);
    } finally {
      await upgraded.close();
    }
  });
});
