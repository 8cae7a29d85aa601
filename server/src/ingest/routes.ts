/**
 * The ingest API (issue 23), for a web shop or OMS holding an integration key:
 *
 * - `POST /ingest/orders`, `/ingest/order-status`, `/ingest/stock`, `/ingest/satisfaction`: the
 *   delivery is checked — key and timestamp by the route guard, then the HMAC over the raw body
 *   (constant-time) before a byte of it is parsed, then its contract — and queued in
 *   `ingest_deliveries` under its idempotency key (`Idempotency-Key`, else the body's
 *   `deliveryId`). The deliveries checked at about the same moment are queued together, one
 *   transaction (group commit, admit.ts); each is answered 202 once that batch has committed, 503
 *   when it failed; the ingest worker applies them. The same key again with the same body answers
 *   202 `duplicate: true` and queues nothing; with another body, 409 `idempotency_conflict`.
 * - `POST /ingest/reconcile` `{ from, to, orderIds }`: which of the source's orders the store lacks,
 *   and which the store holds from it in the period that the source did not list.
 *
 * These routes live in their own Fastify scope whose only body parser hands the route the raw
 * bytes (a Buffer): nothing is parsed before the signature has been checked.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import {
  INGEST_CONTRACTS,
  INGEST_HEADERS,
  ingestReconcile,
  type IngestAccepted,
  type IngestKind,
  type ReconcileAnswer,
} from '../../../src-shared/contracts/ingest';
import { text } from '../../../src-shared/contracts/text';
import { orderSources } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { signatureMatches } from './signature';
import { bodyHash, type IngestAdmission } from './admit';

export const INGEST_BODY_LIMIT = 1024 * 1024;

const ROUTES: Record<IngestKind, string> = {
  order: '/ingest/orders',
  order_status: '/ingest/order-status',
  stock: '/ingest/stock',
  satisfaction: '/ingest/satisfaction',
};

const idempotencyKey = text().trim().min(1).max(200);
const utf8 = new TextDecoder('utf-8', { fatal: true });

const rawBody = (request: FastifyRequest): Buffer => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

/** preHandler: the signature over the raw body, before anything reads it. */
async function checkSignature(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const integration = request.integration;
  const signature = request.headers[INGEST_HEADERS.signature];
  const timestamp = request.headers[INGEST_HEADERS.timestamp];
  if (!integration || typeof signature !== 'string' || typeof timestamp !== 'string' || !signatureMatches(integration.secret, timestamp, rawBody(request), signature)) {
    void reply.header('www-authenticate', 'HMAC-SHA256');
    throw new HttpError('unauthenticated', 'X-Switchboard-Signature does not match: sign `${timestamp}.${body}` with HMAC-SHA256 and the integration secret, hex.');
  }
}

/** The signed body as JSON (a typed 400 when it is not). */
function jsonOf(request: FastifyRequest): unknown {
  let body: string;
  try {
    body = utf8.decode(rawBody(request));
  } catch {
    throw new HttpError('invalid_input', 'The body is not UTF-8 text.');
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError('invalid_input', 'The body is not JSON.');
  }
}

export function registerIngestRoutes(app: FastifyInstance, admission: IngestAdmission): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.addHook('preHandler', checkSignature);

    for (const kind of Object.keys(ROUTES) as IngestKind[]) {
      scope.post(ROUTES[kind], async (request, reply) => {
        const delivery = parseBody(INGEST_CONTRACTS[kind], jsonOf(request));
        const header = request.headers[INGEST_HEADERS.idempotencyKey];
        const key = header !== undefined ? parseBody(idempotencyKey, header) : delivery.deliveryId;
        if (key === undefined) throw new HttpError('invalid_input', 'Name the delivery: an Idempotency-Key header or a deliveryId in the body.', 'deliveryId');
        const raw = rawBody(request);
        // Group commit: answered once the batch holding this delivery has committed (admit.ts).
        const value: IngestAccepted = await admission.submit({
          integrationId: request.integration!.id,
          kind,
          idempotencyKey: key,
          body: raw.toString('utf8'),
          bodyHash: bodyHash(raw),
          receivedAt: app.clock(),
        });
        return reply.status(202).send({ ok: true, value });
      });
    }

    scope.post('/ingest/reconcile', async (request) => {
      const query = parseBody(ingestReconcile, jsonOf(request));
      const integrationId = request.integration!.id;
      const db = app.store.db;
      const inPeriod = await db
        .select({ id: orderSources.sourceOrderId })
        .from(orderSources)
        .where(and(eq(orderSources.integrationId, integrationId), gte(orderSources.placedAt, Date.parse(query.from)), lt(orderSources.placedAt, Date.parse(query.to))));
      const listed = new Set(query.orderIds);
      const held = new Set<string>();
      const ids = [...listed];
      for (let i = 0; i < ids.length; i += 5000) {
        const rows = await db
          .select({ id: orderSources.sourceOrderId })
          .from(orderSources)
          .where(and(eq(orderSources.integrationId, integrationId), inArray(orderSources.sourceOrderId, ids.slice(i, i + 5000))));
        for (const r of rows) held.add(r.id);
      }
      const value: ReconcileAnswer = {
        missingInStore: ids.filter((id) => !held.has(id)),
        missingInSource: inPeriod.map((r) => r.id).filter((id) => !listed.has(id)).sort(),
      };
      return { ok: true, value };
    });
  });
}
