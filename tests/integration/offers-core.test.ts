import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { CoPurchaseMiner } from '../../src-main/core/suggestions/co-purchase-miner';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import { tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';

let cache: TempCache;
let core: CoreProcess;
let zoe: string;

beforeAll(async () => {
  cache = tempCache('switchboard-offers-core-');
  seedCache(cache.db, { customers: 200, seed: 5 });
  new CoPurchaseMiner(cache.db, { minSupport: 3 }).runSync();
  zoe = cache.db.$client.prepare(`SELECT id FROM customers WHERE first_name = 'Zoë'`).pluck().get() as string;
  // Upsell needs marketing consent (src-shared/domain/offer-rules.ts); the seed's Zoë has none.
  cache.db.$client.prepare(`UPDATE customers SET marketing_consent = 1 WHERE id = ?`).run(zoe);
  cache.db.$client.close();
  core = testCore(cache.file, { agentId: 'csr-core' });
  await core.start();
});

afterAll(async () => {
  await core.stop();
  cache.cleanup();
});

describe('suggestions and offers through the core workers', () => {
  it('lists on the reader, records the offer and the answer on the writer, and reads conversion back', async () => {
    const listed = await core.call('suggestions:list', { customerId: zoe, limit: 3 });
    expect(listed).toMatchObject({ ok: true, value: { customerId: zoe } });
    if (!listed.ok) return;
    const suggestions = (listed.value as { suggestions: { productId: string; kind: string; reason: string }[] }).suggestions;
    expect(suggestions.length).toBeGreaterThan(0); // Zoë's first order, the Trail Runner 2, has curated accessories
    const top = suggestions[0]!;

    const presented = await core.call('offer:present', { customerId: zoe, productId: top.productId, kind: top.kind, reason: top.reason });
    expect(presented).toMatchObject({ ok: true, value: { alreadyPresented: false, offer: { agentId: 'csr', outcome: 'presented' } } });
    if (!presented.ok) return;
    const offerId = (presented.value as { offer: { offerId: string } }).offer.offerId;
    expect(await core.call('offer:decide', { offerId, outcome: 'accepted' })).toMatchObject({ ok: true, value: { outcome: 'accepted' } });
    expect(await core.call('offer:decide', { offerId, outcome: 'declined' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await core.call('offers:stats', { customerId: zoe })).toEqual({ ok: true, value: { presented: 1, accepted: 1, declined: 0, undecided: 0, conversion: 1, converted: 0, convertedRevenue: [] } });
    expect(await core.call('suggestions:status', {})).toMatchObject({ ok: true, value: { state: 'ready', ordersPending: 0 } });
  });
});
