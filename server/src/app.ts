/**
 * The central store's HTTP app (Fastify 5, pino logs). `buildServer` wires routes to a store and
 * returns the app unstarted: tests use `app.inject`, main.ts calls `listen`.
 */
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { HealthResponse } from '../../src-shared/contracts/server-auth';
import { clientErrorResponse } from '../../src-shared/http-client-error';
import type { Store } from './db/connect';
import { registerAdminRoutes } from './admin/routes';
import { registerAuditRoutes } from './audit/routes';
import { registerBoardRoutes } from './board/routes';
import { guardRoutes } from './auth/guard';
import type { ScryptParams } from './auth/password';
import { registerAuthRoutes } from './auth/routes';
import { DEFAULT_SESSION_TTL_MS, SESSION_SWEEP_MS, sweepSessions } from './auth/sessions';
import { DEFAULT_THROTTLE_LIMITS, SignInThrottle, type ThrottleLimits } from './auth/throttle';
import { envelope, toEnvelope } from './http/errors';
import { checkHostHeader } from './http/host-check';
import { serializeError, serializeRequest } from './http/log-errors';
import { ChangeFeed } from './sync/change-feed';
import type { ChecksumLimits } from './sync/checksums';
import { registerImportRoutes } from './import/routes';
import { registerFullExportRoutes } from './export/routes';
import { registerLookupRoutes } from './lookup/routes';
import { registerOrderRoutes } from './orders/routes';
import { registerReportRoutes } from './reports/routes';
import { registerCallRoutes } from './calls/routes';
import { registerPullRoutes } from './sync/pull-routes';
import { registerPushRoutes } from './sync/push-routes';
import { registerSegmentRoutes } from './segments/routes';
import { registerEmailRoutes } from './email/routes';
import { MailSender, type MailOptions } from './email/sender';
import { ingestAdmission, type IngestAdmission, type IngestAdmissionOptions } from './ingest/admit';
import { registerIngestRoutes } from './ingest/routes';
import { IngestWorker, type IngestWorkerOptions } from './ingest/worker';
import { registerIntegrationRoutes } from './integrations/routes';
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks/delivery';
import { registerWebhookRoutes } from './webhooks/routes';
import { registerPrivacyRoutes } from './privacy/routes';
import { startRollupRefresher } from './reports/rollup';

declare module 'fastify' {
  interface FastifyInstance {
    readonly store: Store;
    /** The server's clock in epoch ms: expiry and every ordering use this, never a client's. */
    readonly clock: () => number;
    /** News of committed changes, for the live route. */
    readonly changeFeed: ChangeFeed;
    /** Sends the customer mail of the outbox (issue 23); `configured` false without a mail server. */
    readonly mailSender: MailSender;
    /** Applies queued ingest deliveries (issue 23); null when the app was built without it. */
    readonly ingestWorker: IngestWorker | null;
    /** Queues checked ingest deliveries by group commit (issue 23, server/src/ingest/admit.ts). */
    readonly ingestAdmission: IngestAdmission;
    /** Sends pending webhook deliveries (issue 23); null when the app was built without it. */
    readonly webhookWorker: WebhookWorker | null;
  }
}

export interface BuildServerOptions {
  store: Store;
  /** Fastify's pino logger: options, `true` for defaults, `false` (tests) for silence. */
  logger?: FastifyServerOptions['logger'];
  sessionTtlMs?: number;
  clock?: () => number;
  changeFeed?: ChangeFeed;
  /** Sign-in throttling and lockout; the defaults are 3 failures, then 2, 4, 8… s; 10 in 15 min lock for 15 min. */
  throttle?: Partial<ThrottleLimits>;
  /** The cost of passwords set through the admin routes (tests make it cheap). */
  scrypt?: ScryptParams;
  /**
   * Host names the store answers to besides the loopback ones (its address on the network, a DNS
   * name workstations use). A request naming any other host is refused (DNS rebinding).
   */
  hostNames?: readonly string[];
  /** How often expired and revoked sessions are deleted (default SESSION_SWEEP_MS; also once at start). */
  sessionSweepMs?: number;
  /** How often GET /sync/checksums may hash the store (defaults: DEFAULT_CHECKSUM_LIMITS). */
  checksums?: ChecksumLimits;
  /** New workstation ids one (non-admin) user may register in a window; default NEW_WORKSTATION_LIMIT (5 a day). */
  newWorkstationLimit?: { count: number; windowMs: number };
  /** Customer email (issue 23): the SMTP URL and From address (main.ts reads them from the environment); none → mails wait in the outbox. */
  mail?: MailOptions;
  /**
   * The ingest worker (issue 23): its options, or `false` for an app that queues deliveries but
   * does not apply them (tests of a store that dies after answering). Default: on.
   */
  ingestWorker?: IngestWorkerOptions | false;
  /** The ingest routes' group commit: batch bounds and window (issue 23). */
  ingestAdmission?: IngestAdmissionOptions;
  /** The webhook delivery worker (issue 23): its options, or `false` for none. Default: on. */
  webhookWorker?: WebhookWorkerOptions | false;
  /**
   * How often the dashboard's rollup is brought up to date (server/src/reports/rollup.ts: dirty days
   * rebuilt, then days never built); also once at start. Unset: no refresher (tests; the dashboard
   * then reads what the rollup holds and asks the rows for the rest).
   */
  reportRollupEveryMs?: number;
}

export function buildServer(options: BuildServerOptions): FastifyInstance {
  const app = Fastify({
    logger: withSafeErrors(options.logger),
    bodyLimit: 1024 * 1024,
    // Refused before routing (a broken percent-encoding, say): still a typed 4xx in the envelope.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toEnvelope(error);
      return reply.status(status).send(body);
    },
    // Refused by Node's parser (an over-long URL): the envelope too, written to the socket.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable) socket.end(clientErrorResponse(error.code));
      else socket.destroy();
    },
  });
  app.decorate('store', options.store);
  app.decorate('clock', options.clock ?? Date.now);
  app.decorate('changeFeed', options.changeFeed ?? new ChangeFeed());
  // First of all: a request for another host name (a DNS-rebinding page) reaches no route.
  checkHostHeader(app, options.hostNames);
  // Before any route: each gets its guard from ROUTE_PERMISSIONS, and one without an entry stops the start.
  guardRoutes(app);
  // Every body is JSON: a text/plain body is refused (415) rather than handed to a route as a string.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toEnvelope(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(envelope('not_found', `No such endpoint: ${request.method} ${request.url.split('?')[0]}.`)),
  );

  app.get('/health', async () => {
    // A real round trip: "ok" means the store answers, not only that the process is up.
    await options.store.db.execute(sql`select 1`);
    const value: HealthResponse = { store: options.store.kind };
    return { ok: true, value };
  });

  sweepSessionsEvery(app, options.sessionSweepMs ?? SESSION_SWEEP_MS);
  if (options.reportRollupEveryMs !== undefined) startRollupRefresher(app, options.reportRollupEveryMs);

  const throttle = new SignInThrottle(options.store.db, { ...DEFAULT_THROTTLE_LIMITS, ...options.throttle });
  registerAuthRoutes(app, { sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, throttle, newWorkstationLimit: options.newWorkstationLimit });
  registerAdminRoutes(app, { throttle, scrypt: options.scrypt });
  registerAuditRoutes(app);
  registerLookupRoutes(app);
  registerPullRoutes(app, { checksums: options.checksums });
  registerPushRoutes(app);
  registerOrderRoutes(app);
  registerSegmentRoutes(app);
  registerBoardRoutes(app);
  registerReportRoutes(app);
  registerCallRoutes(app);
  registerImportRoutes(app);
  sendMailFromOutbox(app, options.mail);
  registerFullExportRoutes(app);

  const ingestWorker = options.ingestWorker === false ? null : new IngestWorker(app.store, app.clock, app.log, () => app.changeFeed.poke(), options.ingestWorker);
  const webhookWorker = options.webhookWorker === false ? null : new WebhookWorker(app.store, app.clock, app.log, options.webhookWorker);
  app.decorate('ingestWorker', ingestWorker);
  app.decorate('webhookWorker', webhookWorker);
  registerIntegrationRoutes(app);
  const ingestAdmitter = ingestAdmission(app.store, app.log, () => ingestWorker?.kick(), options.ingestAdmission);
  app.decorate('ingestAdmission', ingestAdmitter);
  registerIngestRoutes(app, ingestAdmitter);
  registerWebhookRoutes(app, webhookWorker ?? undefined);
  app.addHook('onReady', async () => {
    ingestWorker?.start();
    webhookWorker?.start();
  });
  app.addHook('onClose', async () => {
    await ingestAdmitter.idle();
    await ingestWorker?.stop();
    await webhookWorker?.stop();
  });
  registerPrivacyRoutes(app);
  return app;
}

/**
 * Every logger the app makes writes errors through serializeError (never query parameters or
 * values) and requests by their path alone: a query string carries what was asked (a caller's
 * phone number on /lookup/phone, a user name on /audit), which is customer data.
 */
function withSafeErrors(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, err: serializeError, error: serializeError, req: serializeRequest } };
}

/** Sends the outbox's mail while the app runs (nothing without a mail server), with its admin routes. */
function sendMailFromOutbox(app: FastifyInstance, options: MailOptions | undefined): void {
  const sender = new MailSender(app.store, app.log, options);
  app.decorate('mailSender', sender);
  registerEmailRoutes(app, sender);
  app.addHook('onReady', async () => sender.start(app.changeFeed));
  app.addHook('onClose', async () => sender.stop());
}

/** Deletes dead sessions once the app is ready and then every `everyMs`, until it closes. */
function sweepSessionsEvery(app: FastifyInstance, everyMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sweep = () => {
    if (running) return;
    running = sweepSessions(app.store.db, app.clock())
      .then((n) => {
        if (n > 0) app.log.info({ sessions: n }, 'deleted expired and revoked sessions');
      })
      .catch((e: unknown) => app.log.warn({ err: e }, 'sweeping expired and revoked sessions failed; trying again at the next sweep'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    sweep();
    timer = setInterval(sweep, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
