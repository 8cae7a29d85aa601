/**
 * The central store's migrations as an earlier release had them, for tests of a migration that
 * must carry data over: a copy of server/drizzle up to (not including) one migration.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../server/src/db/connect';

/** Copies the store's migrations before `tag` into `dir`/drizzle and answers that folder. */
export function migrationsBefore(tag: string, dir: string): string {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at < 1) throw new Error(`${tag} is not a migration after the first in the journal`);
  const dst = join(dir, 'drizzle');
  mkdirSync(join(dst, 'meta'), { recursive: true });
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(join(dst, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) copyFileSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(dst, `${e.tag}.sql`));
  return dst;
}
