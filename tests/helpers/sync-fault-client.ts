/**
 * One workstation for the sync fault-injection test, as a process of its own so the test can
 * SIGKILL it mid-write: the real CoreProcess (writer, reader and sync worker threads) on a cache
 * file, syncing with the store at the given address. It takes JSON commands on stdin, one a line,
 * and answers one line each on stdout:
 *
 *   {"op":"write","n":3,"tag":"w17"}  → "ack note <id>" / "ack complaint <id>" / "ack transition <complaintId> <eventId>"
 *                                       per committed write, or "fail <code> <message>"; then "done w17"
 *   {"op":"status"}                   → "status <SyncStatus json>"
 *   {"op":"check"}                    → "check <SyncCheckResult json>"
 *   {"op":"now"}                      → "now"
 *   {"op":"poison"}                   → "poison <mutationId> <mutationId>": entries the store must refuse for
 *                                       their data (a note with U+0000, one with a lone surrogate), put in
 *                                       the outbox as a workstation without today's contract saved them
 *   {"op":"order","lines":[{"productId":…,"quantity":2}],"tag":"o3"}
 *                                     → a phone order of those lines (quoted, then submitted with the quoted
 *                                       total, delivered to a new address): "ack order <orderId> <quotedTotalCents> <lines>",
 *                                       or "fail <code> <message>"; then "done o3"
 *   {"op":"orders","ids":[…]}          → "orders <json>": each order's status and number as this workstation
 *                                       shows it (`order:status`), by id
 *   {"op":"catalogue","productIds":[…]} → "catalogue <n>": how many of those products this workstation can
 *                                       price (in the catalogue it pulled, active, with a GBP price)
 *
 * An "ack" line is printed only after the core answered that the write was saved.
 *
 * Usage: node --import tsx tests/helpers/sync-fault-client.ts <cache file> <store url> <user> <password> <label>
 */
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { testCore } from './core';

const [dbFile, serverUrl, username, password, label] = process.argv.slice(2);
if (!dbFile || !serverUrl || !username || !password || !label) {
  process.stderr.write('usage: sync-fault-client <cache file> <store url> <user> <password> <label>\n');
  process.exit(2);
}

const core = testCore(dbFile, {
  agentId: `fault-${label}`,
  sync: {
    serverUrl,
    username,
    password,
    workerFile: fileURLToPath(new URL('./sync-worker-ts.mjs', import.meta.url)),
    // As the app runs it: checkpoints on their own thread, so the faults hit that too.
    checkpointWorkerFile: fileURLToPath(new URL('./checkpoint-worker-ts.mjs', import.meta.url)),
    pullLimit: 500,
  },
});

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
let seq = 0;
const myComplaints: string[] = [];

interface Customer {
  customerId: string;
}

async function someCustomer(): Promise<string | null> {
  const found = await core.call('lookup:search', { query: 'a', limit: 20 });
  if (!found.ok) return null;
  const hits = (found.value as { hits: Customer[] }).hits;
  return hits.length === 0 ? null : (hits[seq % hits.length]?.customerId ?? null);
}

async function writeOne(): Promise<void> {
  seq++;
  const kind = myComplaints.length > 0 && seq % 4 === 0 ? 'transition' : seq % 2 === 0 ? 'complaint' : 'note';
  if (kind === 'transition') {
    const complaintId = myComplaints.shift() as string;
    const r = await core.call('complaint:transition', { complaintId, to: 'in_progress', note: `${label} picked it up (${seq})` });
    if (!r.ok) return say(`fail ${r.error.code} ${r.error.message}`);
    const history = (r.value as { history: { id: string }[] }).history;
    return say(`ack transition ${complaintId} ${history.at(-1)?.id ?? ''}`);
  }
  const customerId = await someCustomer();
  if (customerId === null) return say('fail not_found no customer in the cache yet');
  if (kind === 'note') {
    const r = await core.call('note:add', { customerId, body: `fault-note ${label} ${process.pid} ${seq}` });
    if (!r.ok) return say(`fail ${r.error.code} ${r.error.message}`);
    return say(`ack note ${(r.value as { noteId: string }).noteId}`);
  }
  const r = await core.call('complaint:log', {
    customerId,
    category: 'late',
    severity: 'medium',
    description: `fault-complaint ${label} ${process.pid} ${seq}`,
  });
  if (!r.ok) return say(`fail ${r.error.code} ${r.error.message}`);
  const id = (r.value as { id: string }).id;
  myComplaints.push(id);
  return say(`ack complaint ${id}`);
}

interface OrderLineAsked {
  productId: string;
  quantity: number;
}

/** A phone order as the order panel takes it: quoted, then submitted with the total read out. */
async function order(lines: OrderLineAsked[]): Promise<void> {
  seq++;
  const customerId = await someCustomer();
  if (customerId === null) return say('fail not_found no customer in the cache yet');
  const draft = {
    customerId,
    currency: 'GBP' as const,
    lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, source: 'search' as const })),
    campaignCode: null,
    deliveryMethod: 'standard' as const,
    manualDiscount: null,
  };
  const quote = await core.call('order:quote', draft);
  if (!quote.ok) return say(`fail ${quote.error.code} ${quote.error.message}`);
  const quotedTotalCents = (quote.value as { totalCents: number }).totalCents;
  const orderId = crypto.randomUUID();
  const r = await core.call('order:submit', {
    ...draft,
    orderId,
    delivery: { address: { line1: `${seq} Fault Lane`, city: 'Leeds', country: 'GB' } },
    paymentMethod: 'pay_link',
    heardFrom: null,
    note: `fault-order ${label} ${process.pid} ${seq}`,
    quotedTotalCents,
  });
  if (!r.ok) return say(`fail ${r.error.code} ${r.error.message}`);
  return say(`ack order ${(r.value as { orderId: string }).orderId} ${quotedTotalCents} ${JSON.stringify(lines)}`);
}

/** How many of these products the workstation can price: its catalogue was pulled from the store. */
async function catalogue(productIds: string[]): Promise<string> {
  const customerId = await someCustomer();
  if (customerId === null) return 'catalogue 0';
  const quote = await core.call('order:quote', {
    customerId,
    currency: 'GBP',
    lines: productIds.map((productId) => ({ productId, quantity: 1, source: 'search' })),
    deliveryMethod: 'standard',
  });
  if (!quote.ok) return `catalogue 0 ${quote.error.message}`;
  const priced = (quote.value as { lines: { productId: string; problem: string | null; unitPriceCents: number }[] }).lines;
  // A line whose only problem is stock is priced: the store decides when the order arrives.
  return `catalogue ${priced.filter((l) => l.unitPriceCents > 0 && (l.problem === null || /the store checks when the order arrives/.test(l.problem))).length}`;
}

/**
 * Entries the store must refuse for their data, in the outbox behind and before ordinary writes
 * (issue 18, item 3): each must be rejected for good, and never hold the queue behind it.
 */
async function poison(): Promise<string> {
  const customerId = await someCustomer();
  if (customerId === null) return 'fail not_found no customer in the cache yet';
  const db = new Database(dbFile!);
  try {
    db.pragma('busy_timeout = 10000');
    const clientId = db.prepare(`SELECT value FROM cache_meta WHERE key = 'client_id'`).pluck().get() as string;
    const insert = db.prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, 'note.add', ?, 2, ?)`);
    const ids = ['poison \u0000 nul', 'poison \uD800 lone surrogate'].map((body) => {
      const args = { noteId: crypto.randomUUID(), customerId, callId: null, agentId: `fault-${label}`, body: `${body} ${label} ${seq}`, createdAt: Date.now() };
      return Number(insert.run(clientId, JSON.stringify(args), Date.now()).lastInsertRowid);
    });
    return `poison ${ids.join(' ')}`;
  } finally {
    db.close();
  }
}

async function handle(line: string): Promise<void> {
  const command = JSON.parse(line) as { op: string; n?: number; tag?: string; lines?: OrderLineAsked[]; productIds?: string[]; ids?: string[] };
  switch (command.op) {
    case 'write':
      for (let i = 0; i < (command.n ?? 1); i++) await writeOne();
      return say(`done ${command.tag ?? ''}`);
    case 'order':
      await order(command.lines ?? []);
      return say(`done ${command.tag ?? ''}`);
    case 'orders': {
      const shown: Record<string, unknown> = {};
      for (const orderId of command.ids ?? []) {
        const r = await core.call('order:status', { orderId });
        shown[orderId] = r.ok ? r.value : r.error;
      }
      return say(`orders ${JSON.stringify(shown)}`);
    }
    case 'catalogue':
      return say(await catalogue(command.productIds ?? []));
    case 'status': {
      const r = await core.call('sync:status', {});
      return say(`status ${JSON.stringify(r.ok ? r.value : r.error)}`);
    }
    case 'check': {
      const r = await core.call('sync:check', {});
      return say(`check ${JSON.stringify(r.ok ? r.value : r.error)}`);
    }
    case 'now':
      await core.call('sync:now', {});
      return say('now');
    case 'poison':
      say(await poison());
      await core.call('sync:now', {});
      return;
    default:
      return say(`fail invalid_input unknown op ${command.op}`);
  }
}

await core.start();
say('ready');
// Commands are handled one at a time, in order: the test reads the answers in the same order.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(() => handle(line)).catch((e: unknown) => say(`fail internal ${e instanceof Error ? e.message : String(e)}`));
});
process.stdin.on('end', () => {
  void queue.then(async () => {
    await core.stop();
    process.exit(0);
  });
});
