/**
 * The report export made by PostgreSQL's COPY (server/src/reports/export-copy.ts) is byte for byte
 * what the JavaScript writer (src-shared/reports/csv.ts) makes of the same rows, on values chosen
 * to trip it: formula starts, quotes, commas, line breaks, empty texts, NULLs, accents, names
 * that are formulas, a call without a customer. And the CRLF record-end transform, chunk by chunk.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCsvOut, CrlfRecords, sqlLiteral } from '../../server/src/db/copy-out';
import type { Store } from '../../server/src/db/connect';
import { customers } from '../../server/src/db/schema';
import { exportCopySql } from '../../server/src/reports/export-copy';
import { toDrizzleSql } from '../../server/src/reports/metrics';
import { compileMetricRowsSql, readDrillDownRows } from '../../src-shared/domain/metric-sql';
import { metricById, planDrillDown } from '../../src-shared/reports/drilldown';
import { exportLineWriter } from '../../src-shared/reports/csv';
import { postgresBackend, postgresSkipReason, type StoreLocation } from '../helpers/server-db';

const skip = await postgresSkipReason();
const T0 = Date.UTC(2026, 10, 1, 8);
const AWKWARD = ['=1+1', '+x', '-x', '@SUM(A1)', '\tx', '\rx', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', '', ' ', '\\.', 'Ångström “curly”', "it's", '"', ',', null];

function collect(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('CRLF record ends', () => {
  it('turns record-ending line feeds into CRLF, keeps those inside quotes, across chunk boundaries', async () => {
    const t = new CrlfRecords();
    const got: Buffer[] = [];
    t.on('data', (b: Buffer) => got.push(b));
    const input = 'a,"x\ny",1\nb,"q""\n""",2\n,,3\n';
    for (let i = 0; i < input.length; i += 3) t.write(Buffer.from(input.slice(i, i + 3)));
    t.end();
    await new Promise((r) => t.on('end', r));
    expect(Buffer.concat(got).toString()).toBe('a,"x\ny",1\r\nb,"q""\n""",2\r\n,,3\r\n');
    expect(t.records).toBe(3);
  });

  it('writes parameters as literals of unknown type, quotes doubled', () => {
    expect(sqlLiteral("o'brien")).toBe("'o''brien'");
    expect(sqlLiteral(12)).toBe("'12'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN)).toThrow(RangeError);
  });
});

describe.skipIf(skip !== undefined)('report export by COPY on postgres', () => {
  let location: StoreLocation;
  let store: Store;

  beforeAll(async () => {
    location = await postgresBackend.freshLocation();
    store = await location.open();
    let i = 0;
    for (const first of AWKWARD) {
      for (const last of ['Zoë', '=cmd', 'a"b']) {
        const id = randomUUID();
        await store.db.insert(customers).values({ id, firstName: first ?? 'X', lastName: last, createdAt: T0, updatedAt: T0 });
        const code = AWKWARD[i % AWKWARD.length] ?? null;
        await store.db.execute(sql`
          INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code, satisfaction)
          VALUES (gen_random_uuid(), ${id}::uuid, 'manual', 'ana', 'completed', ${T0 + i * 3_600_017}::bigint, ${i * 1000}, ${i % 3 === 0 ? 0 : -5}, 1500, ${code}, ${i % 4 === 0 ? null : (i % 5) + 1})`);
        i++;
      }
    }
    // A call without a customer, at the same instant as another (ordered by id then).
    await store.db.execute(sql`
      INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
      VALUES (gen_random_uuid(), NULL, 'manual', '@agent', 'completed', ${T0}::bigint, 1, 0, 0, '-')`);
  });

  afterAll(async () => {
    await store?.close();
    await location?.dispose();
  });

  for (const metricId of ['callsHandled', 'averageTalkTime', 'averageHandleTime']) {
    it(`writes ${metricId} byte for byte as the JavaScript writer`, async () => {
      const metric = metricById(metricId);
      const input = { filter: { from: '2026-11-01', to: '2026-12-31', currency: 'USD' as const }, metricId, key: {}, page: 0, pageSize: 1 };
      const { query, key } = planDrillDown(metric, input.filter, input);
      const compiled = compileMetricRowsSql(metric, query, { key, limit: Number.MAX_SAFE_INTEGER }, 'postgres');
      const raw = ((await store.db.execute(
        sql.join([
          sql.raw('SELECT e.*, c.first_name || \' \' || c.last_name AS "customerName" FROM ('),
          toDrizzleSql(compiled),
          sql.raw(`) e LEFT JOIN customers c ON c.id = e."customerId" ORDER BY e."${metric.time}", e."id"`),
        ]),
      )) as unknown as { rows: Record<string, unknown>[] }).rows;
      const line = exportLineWriter(metric);
      const expected = readDrillDownRows(metric, raw).map((r, i) => line(r, (raw[i]!.customerName as string | null) ?? null)).join('');
      expect(raw.length).toBeGreaterThan(50);

      const copy = await exportCopySql(store.pool!, metric, query, key, true);
      expect(copy).not.toBeNull();
      if (copy === null) return;
      const { out, text } = collect();
      const records = await copyCsvOut(store.pool!, copy!, out);
      expect(records).toBe(raw.length);
      expect(text()).toBe(expected);
    });
  }
});
