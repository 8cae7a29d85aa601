/**
 * The demo store's call-centre history (issue 22): a fresh demo loads a few months of calls so the
 * supervisor's dashboard has figures, and the demo's own team ("Phones") holds the history's first
 * team, so the demo supervisor sees them. Loaded once: a second start leaves it alone.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { DEMO_HISTORY, DEMO_TEAM, loadDemoHistoryIfAbsent } from '../../server/src/seed/demo-history';
import type { Store } from '../../server/src/db/connect';
import { pgliteBackend, queryRows, type StoreLocation } from '../helpers/server-db';

const NOW = Date.UTC(2026, 11, 6);

describe('the demo history', () => {
  let location: StoreLocation;
  let store: Store;

  beforeAll(async () => {
    location = await pgliteBackend.freshLocation();
    store = await location.open();
    await seedDemoUsers(store.db);
    await loadDemoIfEmpty(store, { customers: 300, now: NOW, products: 50 });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await location?.dispose();
  });

  it('loads calls ending at today, and the first history team joins the demo team beside the demo supervisor', async () => {
    const loaded = await loadDemoHistoryIfAbsent(store, NOW);
    expect(loaded?.tables.calls).toBe(DEMO_HISTORY.calls);
    const [span] = await queryRows<{ first: string; last: string }>(store, sql`select min(started_at) as first, max(started_at) as last from calls`);
    expect(Number(span!.last)).toBeLessThan(NOW);
    expect(Number(span!.first)).toBeGreaterThanOrEqual(NOW - DEMO_HISTORY.days * 86_400_000);
    const members = await queryRows<{ username: string }>(
      store,
      sql`select u.username from user_teams ut join users u on u.id = ut.user_id join teams t on t.id = ut.team_id where t.name = ${DEMO_TEAM} order by 1`,
    );
    const names = members.map((m) => m.username);
    expect(names).toEqual(expect.arrayContaining(['csr', 'supervisor', 'sup001', 'csr0001']));
    expect(names.filter((n) => /^csr\d{4}$/.test(n))).toHaveLength(DEMO_HISTORY.csrsPerTeam);
    expect(loaded?.joined).toBe(DEMO_HISTORY.csrsPerTeam + 1);
  }, 120_000);

  it('is loaded once: a second start leaves the store as it is', async () => {
    expect(await loadDemoHistoryIfAbsent(store, NOW)).toBeNull();
    const [count] = await queryRows<{ n: string }>(store, sql`select count(*) as n from calls`);
    expect(Number(count!.n)).toBe(DEMO_HISTORY.calls);
  });
});
