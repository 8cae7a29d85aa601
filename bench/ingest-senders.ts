/**
 * The senders of the order-ingest bench (bench/ingest.ts), in a process of their own so that they
 * do not share the store's event loop: the bench forks this file, sends it one `SendJob` per
 * phase over IPC, and gets a `SendResult` back. Bodies are made and signed here, as a web shop
 * would (HMAC-SHA256 of `${timestamp}.${body}` with the integration's secret, hex). Requests go
 * through node:http with kept-alive connections, one a sender (fetch cost this process about
 * three times the CPU, which on a shared machine the store then lacks).
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

export interface SendJob {
  url: string;
  total: number;
  senders: number;
  /** Sign each body with this integration (the ingest route); none for the bare yardstick routes. */
  integration: { id: string; secret: string } | null;
  customerIds: string[];
  skus: number;
  now: number;
  /** Delivery ids are `${prefix}${i}`. */
  prefix: string;
}

export interface SendResult {
  /** Epoch ms (performance.timeOrigin + performance.now()) of the first send and the last answer. */
  startedAt: number;
  endedAt: number;
  /** Each request's wait for its answer, ms. */
  waits: number[];
  /** The first answer that was not 202, if any. */
  failure: string | null;
}

const epoch = () => performance.timeOrigin + performance.now();

export function orderBody(job: SendJob, i: number): string {
  const skus = job.skus;
  return JSON.stringify({
    deliveryId: `${job.prefix}${i}`,
    orderId: `${job.prefix}${i}`,
    customer: { id: job.customerIds[i % job.customerIds.length] },
    currency: 'EUR',
    placedAt: new Date(job.now - (i % 86_400) * 1000).toISOString(),
    lines: [
      { sku: `SKU-${i % skus}`, quantity: 1, unitPriceCents: 1000 + (i % skus) },
      { sku: `SKU-${(i * 7) % skus}`, quantity: 2, unitPriceCents: 1000 + ((i * 7) % skus) },
    ],
    totalCents: 1000 + (i % skus) + 2 * (1000 + ((i * 7) % skus)),
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run(job: SendJob): Promise<SendResult> {
  const waits: number[] = [];
  let failure: string | null = null;
  let next = 0;
  const sender = async () => {
    while (failure === null) {
      const i = next++;
      if (i >= job.total) return;
      const body = orderBody(job, i);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (job.integration) {
        const timestamp = String(Math.floor(Date.now() / 1000));
        headers['x-switchboard-key'] = job.integration.id;
        headers['x-switchboard-timestamp'] = timestamp;
        headers['x-switchboard-signature'] = createHmac('sha256', job.integration.secret).update(`${timestamp}.`).update(body).digest('hex');
      }
      headers['content-length'] = String(Buffer.byteLength(body));
      const t0 = performance.now();
      const res = await post(job.url, headers, body);
      waits.push(performance.now() - t0);
      if (res.status !== 202) failure = `delivery ${i} answered ${res.status}: ${res.text.slice(0, 200)}`;
    }
  };
  const startedAt = epoch();
  await Promise.all(Array.from({ length: job.senders }, sender));
  return { startedAt, endedAt: epoch(), waits, failure };
}

process.on('message', (job: SendJob) => {
  run(job).then(
    (result) => process.send?.(result),
    (e: unknown) => process.send?.({ startedAt: 0, endedAt: 0, waits: [], failure: e instanceof Error ? e.message : String(e) } satisfies SendResult),
  );
});
process.on('disconnect', () => process.exit(0));
