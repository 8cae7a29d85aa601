/**
 * Phone orders through the real core (issue 21): the session keeper checks a supervisor's approval
 * given at the workstation (local verifier, throttle) before the writer saves the order; roles
 * are enforced on order:submit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import { openCache } from '../../src-main/core/db/open';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import type { OrderQuote, OrderSummary } from '../../src-shared/contracts/orders';

let cache: TempCache;
let core: CoreProcess;
let zoe: string;
let address: string;
let socks: string;

beforeAll(async () => {
  cache = tempCache('switchboard-orders-core-');
  const db = cache.db;
  zoe = plantCustomer(db, { firstName: 'Zoë', lastName: 'Ångström', city: 'Leeds', country: 'GB' });
  db.$client.prepare(`UPDATE customers SET currency = 'GBP' WHERE id = ?`).run(zoe);
  address = db.$client.prepare(`SELECT id FROM customer_addresses WHERE customer_id = ?`).pluck().get(zoe) as string;
  socks = randomUUID();
  db.$client
    .prepare(`INSERT INTO products (id, sku, name, brand, category, price_cents, currency, stock) VALUES (?, 'SOCK-1', 'Wool socks', 'Acme', 'misc', 2000, 'GBP', 100)`)
    .run(socks);
  db.$client.prepare(`INSERT INTO product_prices (product_id, currency, price_cents) VALUES (?, 'GBP', 2000)`).run(socks);
  db.$client.close();
  core = testCore(cache.file);
  await core.start();
});

afterAll(async () => {
  await core.stop();
  cache.cleanup();
});

const read = <T>(sql: string, ...args: unknown[]): T => {
  const db = openCache(cache.file, { readonly: true });
  try {
    return db.$client.prepare(sql).get(...args) as T;
  } finally {
    db.$client.close();
  }
};
const orderCount = () => read<{ n: number }>(`SELECT count(*) AS n FROM orders`).n;
const outboxCount = () => read<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE name = 'order.submit'`).n;

/** A cart of five pairs with a manual percent off: 20 % is beyond a CSR's 10 % and within a supervisor's 25 %; 40 % is beyond both. */
async function order(percent: number, approval: { username: string; password: string; reason: string } | null, requestApproval?: boolean) {
  const cart = {
    customerId: zoe,
    lines: [{ productId: socks, quantity: 5, source: 'search' }],
    deliveryMethod: 'standard',
    manualDiscount: { kind: 'percent', value: percent, reason: 'Goodwill after a late delivery' },
  };
  const quote = await core.call('order:quote', cart);
  if (!quote.ok) throw new Error(quote.error.message);
  const q = quote.value as OrderQuote;
  return { q, submit: () => core.call('order:submit', { ...cart, orderId: randomUUID(), delivery: { addressId: address }, paymentMethod: 'invoice', quotedTotalCents: q.totalCents, approval, requestApproval }) };
}

describe('order:submit through the core', () => {
  it('records a supervisor’s approval given at the workstation, audited, without ending the CSR’s session', async () => {
    const { q, submit } = await order(20, { username: 'Supervisor', password: 'supervisor-demo', reason: 'Customer waited two weeks.' });
    expect(q.authority.needsApproval).toBe(true);
    const r = await submit();
    expect(r).toMatchObject({ ok: true, value: { status: 'submitted', approverName: 'supervisor' } });
    const orderId = (r as { value: OrderSummary }).value.orderId;
    expect(read(`SELECT status, agent_id AS agentId, approver_name AS approver, approval_reason AS reason, approved_by IS NOT NULL AS approved FROM orders WHERE id = ?`, orderId)).toEqual({
      status: 'submitted',
      agentId: 'csr',
      approver: 'supervisor',
      reason: 'Customer waited two weeks.',
      approved: 1,
    });
    expect(read(`SELECT action, username FROM pending_audit WHERE action = 'discount_over_authority'`)).toEqual({ action: 'discount_over_authority', username: 'supervisor' });
    const entry = read<{ args: string }>(`SELECT args FROM outbox WHERE name = 'order.submit' ORDER BY mutation_id DESC LIMIT 1`);
    expect(JSON.parse(entry.args)).toMatchObject({ approval: { approverName: 'supervisor', reason: 'Customer waited two weeks.' } });
    expect(entry.args).not.toContain('supervisor-demo');
    expect(await core.call('auth:session', {})).toMatchObject({ ok: true, value: { user: { username: 'csr' } } });
  });

  it('refuses a wrong supervisor password, a CSR as approver, a discount beyond the supervisor’s own authority and one with no approval at all, writing nothing', async () => {
    const before = [orderCount(), outboxCount()];
    expect(await (await order(20, { username: 'supervisor', password: 'not-it', reason: 'x' })).submit()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await (await order(20, { username: 'csr', password: 'csr-demo', reason: 'x' })).submit()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await (await order(40, { username: 'supervisor', password: 'supervisor-demo', reason: 'x' })).submit()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect([orderCount(), outboxCount()]).toEqual(before);
    // Without an approval, forced through the bridge: refused, nothing written.
    expect(await (await order(20, null)).submit()).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'manualDiscount' } });
    expect([orderCount(), outboxCount()]).toEqual(before);
    // Sent to the supervisors, it waits for one, and is not released.
    expect(await (await order(20, null, true)).submit()).toMatchObject({ ok: true, value: { status: 'awaiting_approval', approverName: null } });
  });

  it('slows repeated wrong supervisor passwords like sign-in', async () => {
    let last: unknown;
    for (let i = 0; i < 5; i++) last = await (await order(20, { username: 'supervisor', password: `guess-${i}`, reason: 'x' })).submit();
    expect(last).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('refuses order:submit to a store associate', async () => {
    const { submit } = await order(5, null);
    expect((await core.call('auth:sign-in', { username: 'associate', password: 'associate-demo' })).ok).toBe(true);
    const before = orderCount();
    expect(await submit()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await core.call('order:quote', { customerId: zoe, lines: [], deliveryMethod: 'pickup' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(orderCount()).toBe(before);
  });

  it('order:decide and order:approvals: refused to a store associate, bad input typed before the store is asked, nothing written', async () => {
    const before = [orderCount(), outboxCount()];
    // Still signed in as the associate (the test before): no approving.
    expect(await core.call('order:decide', { orderId: randomUUID(), decision: 'approve', reason: 'ok' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await core.call('order:approvals', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // An admin approves too (the supervisor's sign-in is slowed by the guesses of the test above).
    expect(await core.call('auth:sign-in', { username: 'admin', password: 'admin-demo' })).toMatchObject({ ok: true });
    for (const input of [
      { orderId: 'not-a-uuid', decision: 'approve', reason: 'ok' },
      { orderId: randomUUID(), decision: 'maybe', reason: 'ok' },
      { orderId: randomUUID(), decision: 'approve' },
      { orderId: randomUUID(), decision: 'approve', reason: '   ' },
      { orderId: randomUUID(), decision: 'refuse', reason: 'Card 4111 1111 1111 1111' },
    ]) {
      expect(await core.call('order:decide', input), JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await core.call('order:approvals', { all: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // Good input reaches for the store, which this workstation has not got.
    expect(await core.call('order:decide', { orderId: randomUUID(), decision: 'approve', reason: 'ok' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect([orderCount(), outboxCount()]).toEqual(before);
  });
});
