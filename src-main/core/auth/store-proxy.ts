/**
 * StoreProxy: the `store` channels (admin:*, audit:list, order:approvals, order:decide, report:*, board:live), asked of the central store with the
 * signed-in user's token (issue 5). The store checks the user and role again; main only forwards.
 *
 * Each store channel has one route in STORE_ROUTES, typed `{ [C in StoreChannel]: … }`: a channel
 * declared with access 'store' and no route here fails the type check (issue 20).
 */
import { contracts, type ChannelParsedInput, type StoreChannel } from '../../../src-shared/contracts';
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '../../../src-shared/result';
import { EXPORT_HEADERS } from '../../../src-shared/contracts/segments';
import type { StoreClient, StoreFailure } from '../sync/store-client';
import { defaultDownloadsDir, proposedFileName, proposedZipName, saveDownloadFile, saveExportFile } from '../reports/export-file';
import { ImportJobs } from '../imports/import-jobs';

/** The HTTP request that answers one store channel's call. */
export interface StoreRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body: unknown;
}

/** The admin screen's import channels: answered by the core's ImportJobs (a chunked upload, then one streamed request), not by one request each. */
type ImportChannel = Extract<StoreChannel, `import:${string}`>;
const isImportChannel = (channel: StoreChannel): channel is ImportChannel => channel.startsWith('import:');

/** How each store channel's (validated) input becomes a request to the store. */
export type StoreRoutes = { readonly [C in Exclude<StoreChannel, ImportChannel>]: (input: ChannelParsedInput<C>) => StoreRequest };

/** A query string of the input's set fields. */
const queryString = (input: Record<string, unknown>): string => {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) query.set(k, String(v));
  return query.toString();
};

const userPath = (userId: string, rest = '') => `/admin/users/${encodeURIComponent(userId)}${rest}`;

export const STORE_ROUTES: StoreRoutes = {
  'admin:users': () => ({ method: 'GET', path: '/admin/users', body: undefined }),
  'admin:create-user': (input) => ({ method: 'POST', path: '/admin/users', body: input }),
  'admin:update-user': ({ userId, ...rest }) => ({ method: 'PATCH', path: userPath(userId), body: rest }),
  'admin:reset-password': ({ userId, ...rest }) => ({ method: 'POST', path: userPath(userId, '/password'), body: rest }),
  'admin:create-team': (input) => ({ method: 'POST', path: '/admin/teams', body: input }),
  'admin:workstations': () => ({ method: 'GET', path: '/admin/workstations', body: undefined }),
  // The full export (issue 23): a ZIP archive, streamed into a file in the Downloads folder (saveFullExport).
  'admin:export-all': () => ({ method: 'POST', path: '/admin/export', body: {} }),
  'admin:revoke-workstation': ({ workstationId }) => ({ method: 'POST', path: `/admin/workstations/${encodeURIComponent(workstationId)}/revoke`, body: {} }),
  // Phone orders awaiting a supervisor (issue 21): the store lists those of the supervisor's teams and takes the decision.
  'order:approvals': () => ({ method: 'GET', path: '/orders/approvals', body: undefined }),
  'order:decide': ({ orderId, ...rest }) => ({ method: 'POST', path: `/orders/${encodeURIComponent(orderId)}/decision`, body: rest }),
  // Audience segments (issue 22); segment:export streams a CSV, which StoreProxy writes to a file (segment-export.ts).
  'segment:preview': (input) => ({ method: 'POST', path: '/segments/preview', body: input }),
  'segment:list': () => ({ method: 'GET', path: '/segments', body: undefined }),
  'segment:save': (input) => ({ method: 'POST', path: '/segments', body: input }),
  'segment:delete': ({ id }) => ({ method: 'DELETE', path: `/segments/${encodeURIComponent(id)}`, body: undefined }),
  'segment:export': ({ id, channel }) => ({ method: 'POST', path: `/segments/${encodeURIComponent(id)}/export`, body: { channel } }),
  // Supervisor metrics (issue 22): the store resolves who may see what again, from its own user_teams.
  'report:dashboard': (input) => ({ method: 'POST', path: '/reports/dashboard', body: input }),
  'report:drilldown': (input) => ({ method: 'POST', path: '/reports/drilldown', body: input }),
  // The answer is CSV, not JSON: StoreProxy streams it into a file (saveExport) instead of parsing it.
  'report:export': (input) => ({ method: 'POST', path: '/reports/export', body: input }),
  // The supervisors' live board (issue 22): the store answers for the caller's teams.
  'board:live': () => ({ method: 'GET', path: '/board', body: undefined }),
  // Low satisfaction scores of the supervisor's teams (issue 22): the store knows every team's members.
  'call:low-satisfaction': ({ show }) => ({ method: 'GET', path: `/calls/low-satisfaction${show ? `?show=${show}` : ''}`, body: undefined }),
  'call:follow-up-claim': ({ callId }) => ({ method: 'POST', path: `/calls/${encodeURIComponent(callId)}/follow-up/claim`, body: {} }),
  'call:follow-up-close': ({ callId, note }) => ({ method: 'POST', path: `/calls/${encodeURIComponent(callId)}/follow-up/close`, body: { note } }),
  // Customer email templates (issue 23): the store checks the placeholders and audits the save.
  'email:templates': () => ({ method: 'GET', path: '/admin/email/templates', body: undefined }),
  'email:save-template': ({ kind, language, ...rest }) => ({ method: 'PUT', path: `/admin/email/templates/${encodeURIComponent(kind)}/${encodeURIComponent(language)}`, body: rest }),
  // Ingest integrations (issue 23): the admin screen's panel.
  'integration:list': () => ({ method: 'GET', path: '/admin/integrations', body: undefined }),
  'integration:create': (input) => ({ method: 'POST', path: '/admin/integrations', body: input }),
  'integration:disable': ({ integrationId }) => ({ method: 'POST', path: `/admin/integrations/${encodeURIComponent(integrationId)}/disable`, body: {} }),
  'integration:deliveries': (input) => ({ method: 'GET', path: `/admin/ingest/deliveries?${queryString(input)}`, body: undefined }),
  // Outbound webhooks (issue 23): endpoints, the delivery log and replay.
  'webhook:list': () => ({ method: 'GET', path: '/admin/webhooks', body: undefined }),
  'webhook:create': (input) => ({ method: 'POST', path: '/admin/webhooks', body: input }),
  'webhook:disable': ({ endpointId }) => ({ method: 'POST', path: `/admin/webhooks/${encodeURIComponent(endpointId)}/disable`, body: {} }),
  'webhook:deliveries': (input) => ({ method: 'GET', path: `/admin/webhooks/deliveries?${queryString(input)}`, body: undefined }),
  'webhook:replay': ({ deliveryId }) => ({ method: 'POST', path: `/admin/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`, body: {} }),
  // The email outbox (issue 23).
  'email:outbox': (input) => ({ method: 'GET', path: `/admin/email/outbox?${queryString(input)}`, body: undefined }),
  'email:retry': ({ id }) => ({ method: 'POST', path: `/admin/email/outbox/${encodeURIComponent(id)}/retry`, body: {} }),
  'email:message': ({ id }) => ({ method: 'GET', path: `/admin/email/outbox/${encodeURIComponent(id)}/message`, body: undefined }),
  // Consent, data requests and erasure (issue 23); privacy:export-customer saves a ZIP into Downloads.
  'privacy:export-customer': ({ customerId }) => ({ method: 'POST', path: `/privacy/customers/${encodeURIComponent(customerId)}/export`, body: {} }),
  'privacy:request-erasure': (input) => ({ method: 'POST', path: '/privacy/erasure-requests', body: input }),
  'privacy:erasure-requests': ({ status }) => ({ method: 'GET', path: `/privacy/erasure-requests${status ? `?status=${status}` : ''}`, body: undefined }),
  'privacy:decide-erasure': ({ requestId, decision }) => ({ method: 'POST', path: `/privacy/erasure-requests/${encodeURIComponent(requestId)}/decision`, body: { decision } }),
  'audit:list': (input) => ({ method: 'GET', path: `/audit?${queryString(input)}`, body: undefined }),
};

/** The request for `channel`'s call (its input validated against the channel's contract already). */
export function storeRequest<C extends Exclude<StoreChannel, ImportChannel>>(channel: C, input: ChannelParsedInput<C>): StoreRequest {
  const route = STORE_ROUTES[channel] as (input: ChannelParsedInput<C>) => StoreRequest;
  return route(input);
}

export interface StoreProxyOptions {
  /** The central store, or null when this workstation works alone. */
  client: StoreClient | null;
  /** The signed-in user's session token on the store; null when signed in offline (or nobody is). */
  token: () => string | null;
  /** Where `report:export` saves its files (Electron: the Downloads folder; browser host: ~/Downloads or its setting). */
  downloadsDir?: string;
  now?: () => number;
}

export class StoreProxy {
  private imports: ImportJobs | null = null;

  constructor(private readonly options: StoreProxyOptions) {}

  private importJobs(client: StoreClient): ImportJobs {
    this.imports ??= new ImportJobs({
      serverUrl: client.serverUrl,
      token: () => this.options.token(),
      downloadsDir: () => this.options.downloadsDir ?? defaultDownloadsDir(),
      now: this.options.now,
    });
    return this.imports;
  }

  /** import:* (issue 23): the file spooled here in chunks, then streamed to the store's import route. */
  private async callImport(client: StoreClient, channel: ImportChannel, input: unknown): Promise<Result<unknown>> {
    const jobs = this.importJobs(client);
    switch (channel) {
      case 'import:begin':
        return jobs.begin(input as ChannelParsedInput<'import:begin'>);
      case 'import:chunk':
        return jobs.chunk(input as ChannelParsedInput<'import:chunk'>);
      case 'import:run':
        return jobs.run((input as ChannelParsedInput<'import:run'>).importId);
      case 'import:status':
        return jobs.status((input as ChannelParsedInput<'import:status'>).importId);
      case 'import:save-errors':
        return jobs.saveErrors((input as ChannelParsedInput<'import:save-errors'>).importId);
    }
  }

  /**
   * Asks the store a `store` channel's question with the signed-in user's token. Offline or
   * without a store the answer is `unavailable`.
   */
  async call(channel: StoreChannel, input: unknown): Promise<Result<unknown>> {
    const client = this.options.client;
    if (!client) return fail('unavailable', channel === 'report:export' ? 'Exports come from the central store, and this workstation works without one.' : 'This needs the central store, and this workstation works without one.');
    const token = this.options.token();
    if (!token && channel === 'report:export') return fail('unavailable', 'Exports come from the central store, and you signed in while it was unreachable: the figures on screen are this workstation’s copy. Once the store is back, lock the screen and unlock it (or sign in again) to export.');
    if (!token) return fail('unavailable', 'This needs the central store: you signed in while it was unreachable. Once it is back, lock the screen and unlock it (or sign in again) to connect.');
    if (isImportChannel(channel)) return this.callImport(client, channel, input);
    const request = storeRequest(channel, (input ?? {}) as ChannelParsedInput<Exclude<StoreChannel, ImportChannel>>);
    if (channel === 'segment:export') return this.exportSegment(client, token, request, input as ChannelParsedInput<'segment:export'>);
    if (channel === 'report:export') return this.saveExport(client, token, request);
    if (channel === 'admin:export-all') return this.saveFullExport(client, token, request);
    if (channel === 'privacy:export-customer') return this.saveCustomerData(client, token, request, input as ChannelParsedInput<'privacy:export-customer'>);
    const r = await client.send(request.method, request.path, token, request.body, contracts[channel].output);
    if (r.ok) return ok(r.value);
    return fail(...failureForPerson(r.failure));
  }

  /**
   * segment:export: the store streams the CSV, saved into the Downloads folder as it arrives by the
   * same helper as report:export (reports/export-file.ts); the counts come from the store's headers,
   * sent before the first row, and the rows written are checked against them.
   */
  private async exportSegment(client: StoreClient, token: string, request: StoreRequest, input: ChannelParsedInput<'segment:export'>): Promise<Result<unknown>> {
    const r = await client.openDownload(request.path, token, request.body);
    if (!r.ok) return fail(...failureForPerson(r.failure));
    const rows = countHeader(r.value.headers, EXPORT_HEADERS.rows);
    const leftOut = countHeader(r.value.headers, EXPORT_HEADERS.leftOut);
    const noContact = countHeader(r.value.headers, EXPORT_HEADERS.noContact);
    const body = r.value.body;
    if (!body || rows === null || leftOut === null || noContact === null) return fail('unavailable', 'The central store sent the export without its counts; nothing was saved. Try again.');
    const day = new Date((this.options.now ?? Date.now)()).toISOString().slice(0, 10);
    const dir = this.options.downloadsDir ?? defaultDownloadsDir();
    let saved;
    try {
      saved = await saveExportFile(body, dir, `segment-${input.id.slice(0, 8)}-${input.channel}-${day}.csv`);
    } catch {
      return fail('unavailable', `The export could not be saved in ${dir}, or the connection broke during it; nothing was saved. Try again.`);
    }
    if (saved.rows !== rows) return fail('unavailable', `The export saved as ${saved.path} has ${saved.rows} rows where the store counted ${rows}; do not use it, export again.`);
    return ok({ path: saved.path, rows, leftOut, noContact });
  }

  /**
   * `admin:export-all`: the store streams a ZIP archive of every table, saved into the Downloads
   * folder as it arrives (never held in memory). A broken connection leaves no file: the archive's
   * directory comes last, so a partial file would be unreadable anyway.
   */
  private async saveFullExport(client: StoreClient, token: string, request: StoreRequest): Promise<Result<unknown>> {
    const r = await client.openDownload(request.path, token, request.body);
    if (!r.ok) return fail(...failureForPerson(r.failure));
    const body = r.value.body;
    if (!body) return fail('unavailable', 'The central store sent an empty export; try again.');
    const at = new Date((this.options.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').slice(0, 15);
    const fileName = proposedZipName(r.value.headers.get('content-disposition'), `switchboard-full-export-${at}.zip`);
    const dir = this.options.downloadsDir ?? defaultDownloadsDir();
    this.fullExportBytes = 0;
    try {
      return ok(await saveDownloadFile(body, dir, fileName, (bytes) => (this.fullExportBytes = bytes)));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)) {
        return fail('unavailable', `The export could not be saved in ${dir} (${code}); nothing was saved.`);
      }
      return fail('unavailable', 'The connection to the central store broke during the export; nothing was saved. Try again.');
    } finally {
      this.fullExportBytes = null;
    }
  }

  /** Bytes of the full export saved so far while one runs; null otherwise. */
  fullExportBytes: number | null = null;

  /**
   * `privacy:export-customer` (issue 23): the store answers a ZIP of everything it holds about the
   * customer, saved into the Downloads folder by the same helper as report:export.
   */
  private async saveCustomerData(client: StoreClient, token: string, request: StoreRequest, input: ChannelParsedInput<'privacy:export-customer'>): Promise<Result<unknown>> {
    const r = await client.openDownload(request.path, token, request.body);
    if (!r.ok) return fail(...failureForPerson(r.failure));
    const body = r.value.body;
    if (!body) return fail('unavailable', 'The central store sent an empty archive; try again.');
    const day = new Date((this.options.now ?? Date.now)()).toISOString().slice(0, 10);
    const fileName = proposedFileName(r.value.headers.get('content-disposition'), `customer-${input.customerId}-${day}.zip`);
    const dir = this.options.downloadsDir ?? defaultDownloadsDir();
    try {
      const saved = await saveExportFile(body, dir, fileName);
      return ok({ path: saved.path, fileName: saved.fileName });
    } catch {
      return fail('unavailable', `The customer's data could not be saved in ${dir}, or the connection broke; nothing was saved. Try again.`);
    }
  }

  /**
   * `report:export`: the store answers CSV, streamed into a file in the Downloads folder as it
   * arrives (never held whole in memory); the answer is where it went and how many rows it has.
   */
  private async saveExport(client: StoreClient, token: string, request: StoreRequest): Promise<Result<unknown>> {
    const r = await client.openDownload(request.path, token, request.body);
    if (!r.ok) return fail(...failureForPerson(r.failure));
    const body = r.value.body;
    if (!body) return fail('unavailable', 'The central store sent an empty export; try again.');
    const at = new Date((this.options.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').slice(0, 15);
    const fileName = proposedFileName(r.value.headers.get('content-disposition'), `switchboard-export-${at}.csv`);
    const dir = this.options.downloadsDir ?? defaultDownloadsDir();
    try {
      return ok(await saveExportFile(body, dir, fileName));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)) {
        return fail('unavailable', `The export could not be saved in ${dir} (${code}); nothing was saved.`);
      }
      return fail('unavailable', 'The connection to the central store broke during the export; nothing was saved. Try again.');
    }
  }
}

/** A count the store sent in a header, or null when it is missing or not a whole number. */
function countHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** A store failure as a code and a sentence the person at the screen can act on. */
export function failureForPerson(failure: StoreFailure): [ErrorCode, string] {
  if (failure.status === 401) return ['unauthenticated', 'Your session with the central store has ended (it expired, or you were signed out or disabled). Sign in again.'];
  if (failure.kind === 'transient' && failure.status !== 429) return ['unavailable', `The central store cannot be reached just now: ${failure.message}`];
  const code = (ERROR_CODES as readonly string[]).includes(failure.code) ? (failure.code as ErrorCode) : 'unavailable';
  return [code, failure.message];
}
