/**
 * Text PostgreSQL cannot store is refused at the contract, on the workstation and on the store
 * alike (issue 18, item 3): a NUL or a lone surrogate in a note never reaches an outbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { noteAddInput } from '../../src-shared/contracts/notes';
import { loginRequest } from '../../src-shared/contracts/server-auth';
import { text, unstorableText } from '../../src-shared/contracts/text';
import { parseMutationArgs } from '../../src-shared/sync/mutations';

const CUSTOMER = '0b7e2a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c';
const UNSTORABLE = ['a\u0000b', '\u0000', 'x\uD800', '\uDC00y', 'a\uDBFFb'];

describe('text()', () => {
  it.each(UNSTORABLE)('refuses %j', (value) => {
    expect(unstorableText(value)).not.toBeNull();
    expect(text().safeParse(value).success).toBe(false);
  });

  it('takes ordinary text, emoji (a surrogate pair) included, and keeps string checks chainable', () => {
    expect(text().safeParse('Ça va 😀 — 日本').success).toBe(true);
    expect(text().trim().min(1).safeParse('  ').success).toBe(false);
    expect(text().max(3).parse('abc')).toBe('abc');
  });

  it('is what a note, a mutation on the store and a sign-in are parsed with', () => {
    expect(noteAddInput.safeParse({ customerId: CUSTOMER, body: 'before\u0000after' }).success).toBe(false);
    const parsed = parseMutationArgs('note.add', 2, { noteId: CUSTOMER, customerId: CUSTOMER, callId: null, agentId: 'csr-1', body: 'before\u0000after', createdAt: 1 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid_input');
    expect(loginRequest.safeParse({ username: 'ad\u0000min', password: 'whatever it is' }).success).toBe(false);
  });

  it('is used for every string in the shared contracts and mutation schemas (no bare z.string())', () => {
    const dirs = ['../../src-shared/contracts/', '../../src-shared/sync/', '../../src-shared/sync/mutations/'];
    const offenders: string[] = [];
    for (const dir of dirs) {
      const path = fileURLToPath(new URL(dir, import.meta.url));
      for (const file of readdirSync(path)) {
        if (!file.endsWith('.ts') || file === 'text.ts' || file === 'pull-page-check.ts') continue;
        if (/\bz\s*\.string\(/.test(readFileSync(`${path}${file}`, 'utf8'))) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });
});
