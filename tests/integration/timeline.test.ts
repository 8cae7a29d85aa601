import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { plantCustomer, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { testDesk, type TestDesk } from '../helpers/desk';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { TIMELINE_SQL } from '../../src-main/core/customer/timeline-repository';
import type { TimelineEntry } from '../../src-shared/contracts/customer360';
import type { CallState } from '../../src-shared/contracts/calls';
import type { ComplaintDetail } from '../../src-shared/contracts/complaints';

let cache: TempCache;
let desk: TestDesk;
let busy: string;
let quiet: string;
/** Every event planted for `busy`, as [at, kind, id]. */
const planted: [number, string, string][] = [];

const NOW = Date.UTC(2026, 2, 10, 9, 0, 0);
const DAY = 86_400_000;
type Page = { entries: TimelineEntry[]; nextCursor: string | null };

beforeAll(() => {
  cache = tempCache();
  const db = cache.db;
  seedCache(db, { customers: 200, seed: 7, now: NOW }); // other customers' history around ours
  busy = plantCustomer(db, { firstName: 'Busy', lastName: 'Customer' });
  quiet = plantCustomer(db, { firstName: 'Quiet', lastName: 'Customer' });
  const product = plantProduct(db, { sku: 'TL-0001', name: 'Timeline Lamp' });
  const c = db.$client;
  const order = c.prepare(
    `INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at) VALUES (?, ?, ?, ?, 'delivered', 'GBP', 1000, 1000, ?)`,
  );
  const line = c.prepare(
    `INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents) VALUES (?, ?, 1, ?, ?, ?, 'TL-0001', 'Timeline Lamp', 1, 1000, 1000)`,
  );
  const call = c.prepare(
    `INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
     VALUES (?, ?, 'manual', 'agent-zed', 'completed', ?, ?, ?, 60000, 5000, 20000, 'info_given')`,
  );
  const complaint = c.prepare(
    `INSERT INTO complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, agent_id) VALUES (?, ?, 'late', 'low', 'Late again', 'open', ?, ?, 'agent-zed')`,
  );
  const note = c.prepare(`INSERT INTO notes (id, customer_id, agent_id, body, created_at) VALUES (?, ?, 'agent-zed', ?, ?)`);
  const channels = ['web', 'phone', 'store'] as const;
  c.transaction(() => {
    // 3,000 events: 600 instants, each shared by five events — two orders, a call, a complaint
    // and a note — so every page boundary cuts through ties of kind and of id.
    for (let i = 0; i < 600; i++) {
      const t = NOW - 30 * DAY - i * 2 * 3_600_000;
      for (let k = 0; k < 2; k++) {
        const id = randomUUID();
        order.run(id, `SB9${String(i * 2 + k).padStart(7, '0')}`, busy, channels[(i + k) % 3], t);
        line.run(randomUUID(), id, product, busy, t);
        planted.push([t, 'order', id]);
      }
      const callId = randomUUID();
      call.run(callId, busy, t, t + 65_000, t + 85_000);
      planted.push([t, 'call', callId]);
      const complaintId = randomUUID();
      complaint.run(complaintId, busy, t, t);
      planted.push([t, 'complaint', complaintId]);
      const noteId = randomUUID();
      note.run(noteId, busy, `Note ${i}`, t);
      planted.push([t, 'note', noteId]);
    }
  })();
  desk = testDesk(db, { start: NOW });
});
afterAll(() => cache.cleanup());

const newestFirst = (a: [number, string, string], b: [number, string, string]) =>
  b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0) || (a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0);

function readAll(input: Record<string, unknown>): { entries: TimelineEntry[]; pages: number } {
  const entries: TimelineEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = desk.ok<Page>('customer:timeline', { ...input, ...(cursor ? { cursor } : {}) });
    pages++;
    entries.push(...page.entries);
    if (page.nextCursor === null) return { entries, pages };
    cursor = page.nextCursor;
    if (pages > 1000) throw new Error('timeline never ended');
  }
}

describe('customer:timeline', () => {
  it('pages through thousands of events newest first, each exactly once, across ties and page cuts', () => {
    const expected = [...planted].sort(newestFirst).map(([at, kind, id]) => `${new Date(at).toISOString()} ${kind} ${id}`);
    for (const limit of [200, 37, 7]) {
      const { entries, pages } = readAll({ customerId: busy, limit });
      expect(pages).toBe(Math.ceil(planted.length / limit));
      expect(entries.map((e) => `${e.at} ${e.kind} ${e.id}`)).toEqual(expected);
    }
  });

  it('shows each kind with what the CSR needs: channel, handle time, category, body', () => {
    const first = desk.ok<Page>('customer:timeline', { customerId: busy, limit: 4 }).entries;
    expect(first.map((e) => e.kind)).toEqual(['order', 'order', 'note', 'complaint']);
    const newest = desk.ok<Page>('customer:timeline', { customerId: busy, limit: 10 }).entries;
    const byKind = Object.fromEntries(['order', 'call', 'complaint', 'note'].map((k) => [k, newest.find((e) => e.kind === k)]));
    expect(byKind.order).toMatchObject({ channel: expect.stringMatching(/^(web|phone|store)$/), status: 'delivered', totalCents: 1000, currency: 'GBP', lineCount: 1 });
    expect(byKind.call).toMatchObject({ status: 'completed', handleMs: 85_000, dispositionCode: 'info_given', dispositionLabel: 'Information given' });
    expect(byKind.complaint).toMatchObject({ status: 'open', categoryCode: 'late', categoryLabel: 'Late or missing delivery', description: 'Late again' });
    expect(byKind.note).toMatchObject({ body: 'Note 0', agentId: 'agent-zed' });
  });

  it('filters by kind, with the same paging', () => {
    const { entries } = readAll({ customerId: busy, kinds: ['call', 'note'], limit: 150 });
    expect(entries).toHaveLength(1200);
    expect(new Set(entries.map((e) => e.kind))).toEqual(new Set(['call', 'note']));
  });

  it('puts what happens on a call at the top, for this customer only', () => {
    const call = desk.ok<CallState>('call:start', { source: 'manual', customerId: quiet });
    desk.clock.advance(1000);
    const note = desk.ok<{ noteId: string }>('note:add', { customerId: quiet, callId: call.id, body: 'Asked about the lamp.' });
    desk.clock.advance(1000);
    const complaint = desk.ok<ComplaintDetail>('complaint:log', { customerId: quiet, callId: call.id, category: 'quality', severity: 'low', description: 'Flickers.' });
    const page = desk.ok<Page>('customer:timeline', { customerId: quiet });
    expect(page.entries.map((e) => [e.kind, e.id])).toEqual([
      ['complaint', complaint.id],
      ['note', note.noteId],
      ['call', call.id],
    ]);
    expect(page.entries[2]).toMatchObject({ status: 'active', handleMs: null });
    expect(page.nextCursor).toBeNull();
    desk.clock.advance(1000);
    desk.ok('call:end', { callId: call.id });
    desk.ok('call:wrap-up', { callId: call.id, dispositionCode: 'complaint_logged' });
  });

  it('refuses bad cursors and page sizes with typed errors', () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect(desk.call('customer:timeline', { customerId: busy, cursor: 'not-a-cursor' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'cursor' } });
    const forged = Buffer.from(JSON.stringify([1, 'invoice', 'x'])).toString('base64url');
    expect(desk.call('customer:timeline', { customerId: busy, cursor: forged })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'cursor' } });
    expect(desk.call('customer:timeline', { customerId: busy, limit: 201 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
    expect(desk.call('customer:timeline', { customerId: busy, kinds: ['invoice'] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(desk.call('customer:timeline', { customerId: nobody })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('reads each source from its customer index, seeking to the cursor (query plans)', () => {
    const expectedIndex = {
      order: 'orders_customer_placed_idx',
      call: 'calls_customer_started_idx',
      complaint: 'complaints_customer_opened_idx',
      note: 'notes_customer_created_idx',
    } as const;
    for (const [kind, sql] of Object.entries(TIMELINE_SQL) as [keyof typeof expectedIndex, string][]) {
      const plan = (cache.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ customerId: busy, atMax: NOW, tieAll: 0, tieById: 1, idMax: 'x', limit: 51 }) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
      expect(plan, kind).toMatch(new RegExp(`SEARCH \\w+ USING INDEX ${expectedIndex[kind]} \\(customer_id=\\? AND \\w+<\\?\\)`));
      expect(plan, kind).not.toMatch(/SCAN (o|c|n)\b/);
    }
  });

  it('answers a deep page about as fast as the first', () => {
    const { entries } = readAll({ customerId: busy, limit: 200 });
    const last = entries[entries.length - 201];
    if (!last) throw new Error('timeline too short');
    const deep = Buffer.from(JSON.stringify([Date.parse(last.at), last.kind, last.id])).toString('base64url');
    const time = (input: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        desk.ok('customer:timeline', input);
        samples.push(performance.now() - t);
      }
      return samples.sort((a, b) => a - b)[7] as number;
    };
    const firstMs = time({ customerId: busy, limit: 200 });
    const deepMs = time({ customerId: busy, limit: 200, cursor: deep });
    expect(deepMs).toBeLessThan(Math.max(25, firstMs * 3));
  });
});

describe('a time no Date can hold (issue 18, item 6)', () => {
  it('a note, call, complaint, offer and contact edit stamped 9000000000000000 do not make the customer’s reads fail', () => {
    const c = cache.db.$client;
    const who = plantCustomer(cache.db, { firstName: 'Far', lastName: 'Future' });
    const product = plantProduct(cache.db, { sku: 'FF-0001', name: 'Time Machine' });
    const FAR = 9_000_000_000_000_000;
    const callId = randomUUID();
    const complaintId = randomUUID();
    c.prepare(`INSERT INTO notes (id, customer_id, agent_id, body, created_at) VALUES (?, ?, 'agent-zed', 'From the future.', ?)`).run(randomUUID(), who, FAR);
    c.prepare(
      `INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
       VALUES (?, ?, 'manual', 'agent-zed', 'completed', ?, ?, ?, 1000, 0, 1000, 'info_given')`,
    ).run(callId, who, FAR, FAR, FAR);
    c.prepare(
      `INSERT INTO complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, resolved_at, agent_id)
       VALUES (?, ?, 'damaged', 'low', 'Late by centuries.', 'resolved', ?, ?, ?, 'agent-zed')`,
    ).run(complaintId, who, FAR, FAR, FAR);
    c.prepare(`INSERT INTO complaint_events (id, complaint_id, agent_id, at, kind, to_status) VALUES (?, ?, 'agent-zed', ?, 'opened', 'open')`).run(randomUUID(), complaintId, FAR);
    c.prepare(
      `INSERT INTO offers (id, customer_id, agent_id, product_id, kind, reason, outcome, presented_at, decided_at) VALUES (?, ?, 'agent-zed', ?, 'accessory', 'Later.', 'accepted', ?, ?)`,
    ).run(randomUUID(), who, product, FAR, FAR);
    c.prepare(`INSERT INTO contact_edits (id, customer_id, agent_id, field, old_value, new_value, at) VALUES (?, ?, 'agent-zed', 'last_name', 'Past', 'Future', ?)`).run(randomUUID(), who, FAR);

    const page = desk.ok<Page>('customer:timeline', { customerId: who });
    expect(page.entries.map((e) => e.kind).sort()).toEqual(['call', 'complaint', 'note']);
    expect(page.entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(desk.ok<ComplaintDetail>('complaint:get', { complaintId }).history).toHaveLength(1);
    expect(desk.call('customer:edit-history', { customerId: who })).toMatchObject({ ok: true });
    expect(desk.call('call:current', {})).toMatchObject({ ok: true });
  });
});
