/**
 * Crash safety of the outbox: a separate process writes a stream of real service writes (calls,
 * notes, complaints) and acknowledges each after its commit; it is SIGKILLed mid-stream, three
 * times at different points of the stream. After every kill the reopened cache must hold every
 * acknowledged write with its outbox entry, mutation ids 1..N without gaps or repeats, and no row
 * without its outbox entry or entry without its row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { openCache } from '../../src-main/core/db/open';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { outboxRows } from '../helpers/desk';

const CHILD = fileURLToPath(new URL('../helpers/outbox-writer-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The child writes at most this many per run: it always stops by itself. */
const MAX_WRITES = 4000;

interface Ack {
  mutationId: number;
  name: string;
  rowId: string;
}

interface Run {
  acks: Ack[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the writer until it has acknowledged `killAfter` writes, then SIGKILLs it. */
function runAndKill(file: string, customerId: string, killAfter: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, customerId, String(MAX_WRITES)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Lines the child printed before the kill are still read after it: they count as acknowledged.
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^ack (\d+) (\S+) (\S+)$/.exec(line);
      if (!m) return;
      acks.push({ mutationId: Number(m[1]), name: m[2] as string, rowId: m[3] as string });
      if (acks.length === killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ acks, signal, code, stderr });
    });
  });
}

let cache: TempCache;
let customerId: string;

beforeAll(() => {
  cache = tempCache();
  customerId = plantCustomer(cache.db, { firstName: 'Crash', lastName: 'Test', phones: ['+442079460958'] });
  cache.db.$client.close();
});
afterAll(() => cache.cleanup());

/** Which table and id each outbox entry's row lives under. */
const ROW_OF: Record<string, { arg: string; sql: string }> = {
  'call.start': { arg: 'callId', sql: `SELECT 1 FROM calls WHERE id = ?` },
  'call.hold': { arg: 'callId', sql: `SELECT 1 FROM calls WHERE id = ?` },
  'call.resume': { arg: 'callId', sql: `SELECT 1 FROM calls WHERE id = ?` },
  'call.end': { arg: 'callId', sql: `SELECT 1 FROM calls WHERE id = ?` },
  'call.wrap_up': { arg: 'callId', sql: `SELECT 1 FROM calls WHERE id = ?` },
  'note.add': { arg: 'noteId', sql: `SELECT 1 FROM notes WHERE id = ?` },
  'complaint.log': { arg: 'complaintId', sql: `SELECT 1 FROM complaints WHERE id = ?` },
  'complaint.transition': { arg: 'eventId', sql: `SELECT 1 FROM complaint_events WHERE id = ?` },
};

/** The call status each call step leaves behind. */
const STATUS_AFTER: Record<string, string> = {
  'call.start': 'active',
  'call.hold': 'on_hold',
  'call.resume': 'active',
  'call.end': 'wrap_up',
  'call.wrap_up': 'completed',
};

describe('outbox under SIGKILL', () => {
  it('keeps every acknowledged write with its outbox entry, ids 1..N, no orphans — across three kills', async () => {
    const acknowledged: Ack[] = [];
    const lastAckPerRun: number[] = [];
    // Different points of the 8-step cycle (call start, note, complaint, hold, resume, transition, end, wrap-up).
    for (const killAfter of [13, 46, 91]) {
      const run = await runAndKill(cache.file, customerId, killAfter);
      expect(run.signal, `the child should die by SIGKILL mid-stream (exit ${run.code}): ${run.stderr.slice(0, 500)}`).toBe('SIGKILL');
      expect(run.acks.length).toBeGreaterThanOrEqual(killAfter);
      acknowledged.push(...run.acks);
      lastAckPerRun.push(run.acks.at(-1)?.mutationId ?? 0);

      const db = openCache(cache.file);
      try {
        expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
        const outbox = outboxRows(db);
        const ids = outbox.map((r) => r.mutationId);
        // 1..N: no gaps, no repeats.
        expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
        // Every acknowledged write is there, under the id it was acknowledged with. At most the
        // one write in flight at the kill may have committed without its acknowledgement.
        const byId = new Map(outbox.map((r) => [r.mutationId, r]));
        for (const a of acknowledged) {
          const entry = byId.get(a.mutationId);
          expect(entry?.name, `mutation ${a.mutationId}`).toBe(a.name);
          expect(entry?.args[ROW_OF[a.name]?.arg ?? '']).toBe(a.rowId);
        }
        // The only entries without an acknowledgement: a write that committed as the kill landed,
        // before it could print — at most one per kill, right after that run's last acknowledgement.
        const acked = new Set(acknowledged.map((a) => a.mutationId));
        const inFlight = new Set(lastAckPerRun.map((id) => id + 1));
        const unacknowledged = ids.filter((id) => !acked.has(id));
        expect(unacknowledged.every((id) => inFlight.has(id)), `unacknowledged ${unacknowledged.join(', ')}`).toBe(true);

        // No entry without its row …
        for (const entry of outbox) {
          const row = ROW_OF[entry.name];
          if (!row) throw new Error(`unexpected outbox entry ${entry.name}`);
          expect(db.$client.prepare(row.sql).get(entry.args[row.arg]), `${entry.name} #${entry.mutationId}`).toBeDefined();
        }
        // … and no row without its entry.
        const entriesFor = (name: string, arg: string) => new Set(outbox.filter((r) => r.name === name).map((r) => r.args[arg]));
        const column = (sql: string) => db.$client.prepare(sql).pluck().all() as string[];
        expect(new Set(column(`SELECT id FROM calls`))).toEqual(entriesFor('call.start', 'callId'));
        expect(new Set(column(`SELECT id FROM notes`))).toEqual(entriesFor('note.add', 'noteId'));
        expect(new Set(column(`SELECT id FROM complaints`))).toEqual(entriesFor('complaint.log', 'complaintId'));
        expect(new Set(column(`SELECT id FROM complaint_events WHERE kind = 'status'`))).toEqual(entriesFor('complaint.transition', 'eventId'));
        expect(new Set(column(`SELECT id FROM complaint_events WHERE kind = 'opened'`))).toEqual(entriesFor('complaint.log', 'eventId'));
        // Each call's row agrees with its last outbox entry.
        const lastStep = new Map<string, string>();
        for (const r of outbox) if (r.name.startsWith('call.')) lastStep.set(r.args.callId as string, r.name);
        for (const [callId, step] of lastStep) {
          expect(db.$client.prepare(`SELECT status FROM calls WHERE id = ?`).pluck().get(callId), `call ${callId}`).toBe(STATUS_AFTER[step]);
        }
      } finally {
        db.$client.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(13 + 46 + 91);
  }, 180_000);
});
