/**
 * Sync status in words. Everything the status bar and the sync panel say is built here from the
 * engine's SyncStatus, so a state is never shown by colour alone and the sentences can be tested
 * without a browser. `now` is passed in: the same status reads differently a second later.
 */
import type { SyncCheckResult, SyncConnectionState, SyncStatus } from '../../../../src-shared/contracts/sync';
import { isMutationName, MUTATIONS } from '../../../../src-shared/sync/mutations';
import type { SyncTableName } from '../../../../src-shared/sync/tables';
import { missingCaseError } from '../../../../src-shared/result';

const count = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const clockWithSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** A moment as the clock on the wall shows it ("10:42"), with the day when it was not today. */
export function clockTime(at: number, now: number): string {
  return sameDay(at, now) ? clock.format(at) : dayAndClock.format(at);
}

/** As `clockTime`, to the second: for a check the person just asked for. */
export function clockTimeWithSeconds(at: number, now: number): string {
  return sameDay(at, now) ? clockWithSeconds.format(at) : dayAndClock.format(at);
}

/** Seconds until the next retry, rounded up so "retrying in 1 s" is never shown after the retry began. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The connection state as the status bar shows it: "Online", "Offline — retrying in 12 s", … */
export function stateText(status: Pick<SyncStatus, 'state' | 'nextRetryAt'>, now: number): string {
  const state: SyncConnectionState = status.state;
  switch (state) {
    case 'online':
      return 'Online';
    case 'connecting':
      return 'Connecting…';
    case 'offline': {
      if (status.nextRetryAt === null) return 'Offline';
      const seconds = secondsUntil(status.nextRetryAt, now);
      return seconds === 0 ? 'Offline — retrying now' : `Offline — retrying in ${seconds} s`;
    }
    case 'store_failing': {
      if (status.nextRetryAt === null) return 'Store failing';
      const seconds = secondsUntil(status.nextRetryAt, now);
      return seconds === 0 ? 'Store failing — retrying now' : `Store failing — retrying in ${seconds} s`;
    }
    case 'local_only':
      return 'Local only (no central store)';
    case 'signed_out':
      return 'Signed out of the central store';
    default:
      throw missingCaseError(state);
  }
}

/** What the state means for the person at the desk, one sentence (the panel's explanation). */
export function stateMeaning(state: SyncConnectionState): string {
  switch (state) {
    case 'online':
      return 'Connected: changes made here are sent to the central store, and changes from other workstations arrive within a second or two.';
    case 'connecting':
      return 'Reaching the central store. Everything keeps working on this workstation meanwhile.';
    case 'offline':
      return 'The central store cannot be reached. Everything keeps working on this workstation; changes are kept here and sent when the store is back.';
    case 'store_failing':
      return 'The central store answers but cannot do its work just now (a fault on the store, not the network). Everything keeps working on this workstation; changes are kept here and sent when it recovers.';
    case 'local_only':
      return 'No central store is set up: this workstation works on its own cache, and nothing is sent anywhere.';
    case 'signed_out':
      return 'The central store refused this workstation’s sign-in. Changes are kept here; a supervisor must sign this workstation in again.';
    default:
      throw missingCaseError(state);
  }
}

/** "3 changes waiting to sync" / "All changes synced". */
export function pendingText(pendingWrites: number): string {
  return pendingWrites === 0 ? 'All changes synced' : `${plural(pendingWrites, 'change', 'changes')} waiting to sync`;
}

/** "Synced 10:42" / "Not synced yet". */
export function lastSyncText(lastSyncAt: number | null, now: number): string {
  return lastSyncAt === null ? 'Not synced yet' : `Synced ${clockTime(lastSyncAt, now)}`;
}

/** "about 2 min left"; the estimate is rough, so it is rounded and said to be rough. */
export function timeLeftText(etaMs: number | null): string {
  if (etaMs === null) return 'estimating time left';
  const minutes = etaMs / 60_000;
  if (minutes < 0.75) return 'less than a minute left';
  if (minutes < 90) return `about ${Math.max(1, Math.round(minutes))} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}

/** "120,000 of 1,000,000 rows"; before the store has counted them, only what arrived. */
export function progressCountText(done: number, total: number): string {
  if (total === 0) return `${plural(done, 'row', 'rows')} so far`;
  return `${count.format(done)} of ${plural(total, 'row', 'rows')}`;
}

/**
 * The status bar while the deferred indexes are built (once the directory is in, and after the last
 * page): each is seconds on a big cache, and a save waits for the one being built.
 */
export const BUILDING_INDEXES_TEXT = 'Building search indexes: saving may take a few seconds';

/** What the lookup screen says while the first copy is still bringing in the customer directory. */
export const DIRECTORY_ARRIVING_SENTENCE =
  'Searches answer once it is in from the central store. Until then a caller who is not found may still be a customer: do not create them as new.';

/** "2 changes need attention". */
export function attentionText(rejections: number): string {
  return `${plural(rejections, 'change needs', 'changes need')} attention`;
}

/**
 * A refused write by what the person did ("Complaint logged"), in the words its mutation declares
 * (src-shared/sync/mutations); a name this build does not know is shown as is.
 */
export function mutationLabel(name: string): string {
  return isMutationName(name) ? MUTATIONS[name].label : name;
}

const TABLE_LABELS: Record<SyncTableName, string> = {
  products: 'Products',
  product_prices: 'Product prices',
  product_relations: 'Product relations',
  campaigns: 'Campaigns',
  discount_limits: 'Discount limits',
  team_roster: 'Team members',
  customers: 'Customers',
  customer_phones: 'Phone numbers',
  customer_emails: 'Email addresses',
  customer_addresses: 'Addresses',
  orders: 'Orders',
  order_lines: 'Order lines',
  calls: 'Calls',
  complaints: 'Complaints',
  complaint_events: 'Complaint history',
  notes: 'Notes',
  contact_edits: 'Contact changes',
  offers: 'Offers',
};

export function tableLabel(table: SyncTableName): string {
  return TABLE_LABELS[table];
}

/** One table's line in the data check: "Match", or how it differs. */
export function tableCheckText(check: SyncCheckResult['tables'][number]): string {
  if (check.match) return 'Match';
  if (check.localCount === check.serverCount) return 'Differs (same count, different content)';
  return 'Differs';
}

/** The outcome of a data check in one sentence. */
export function checkSummary(check: SyncCheckResult, now: number): string {
  const when = clockTimeWithSeconds(check.at, now);
  if (check.skipped !== null) return `The data check was not made (${when}): ${check.skipped}`;
  const tables = check.tables.length;
  if (check.match) return `All ${plural(tables, 'table matches', 'tables match')} the central store (checked ${when}).`;
  const differing = check.tables.filter((t) => !t.match).length;
  const repull =
    check.repulling.length > 0
      ? ` Re-pulling ${check.repulling.map(tableLabel).join(', ')} from the central store; pending changes are kept.`
      : '';
  return `${count.format(differing)} of ${plural(tables, 'table differs', 'tables differ')} from the central store (checked ${when}).${repull}`;
}

/**
 * What the live region says when the status changes in a way worth interrupting for, or null.
 * Connecting is a passing state (every retry goes through it), so it is never announced and does
 * not count as a change: `lastSettled` is the last state other than connecting that was seen (null
 * before the first), so offline → connecting → offline says nothing. The first settled state is
 * announced only when it is a problem (offline or signed out); "online" at start is no news.
 */
export function announcement(previous: SyncStatus, next: SyncStatus, lastSettled: SyncConnectionState | null): string | null {
  const parts: string[] = [];
  if (next.state !== 'connecting' && lastSettled !== next.state) {
    if (lastSettled !== null || next.state === 'offline' || next.state === 'store_failing' || next.state === 'signed_out') {
      parts.push(settledAnnouncement(lastSettled, next.state));
    }
  }
  if (!previous.directoryReady && next.directoryReady) parts.push('The customer directory has arrived: searches answer in full.');
  // The copy is finished once its deferred indexes are built too (order history answers from then on).
  const copying = (s: SyncStatus) => s.initialSync !== null || s.buildingIndexes;
  if (copying(previous) && !copying(next)) parts.push('Initial sync finished.');
  const known = new Set(previous.rejections.map((r) => r.mutationId));
  const refused = next.rejections.filter((r) => !known.has(r.mutationId));
  if (refused.length === 1 && refused[0]) {
    parts.push(`The central store refused a change: ${mutationLabel(refused[0].name)}. See Sync details.`);
  } else if (refused.length > 1) {
    parts.push(`The central store refused ${count.format(refused.length)} changes. See Sync details.`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

function settledAnnouncement(from: SyncConnectionState | null, to: Exclude<SyncConnectionState, 'connecting'>): string {
  switch (to) {
    case 'online':
      return from === 'offline' || from === 'store_failing' || from === 'signed_out' ? 'Sync: back online.' : 'Sync: online.';
    case 'offline':
      return 'Sync: offline. Changes are kept on this workstation and sent when the central store is back.';
    case 'store_failing':
      return 'Sync: the central store is failing. Changes are kept on this workstation and sent when it recovers.';
    case 'signed_out':
      return 'Sync: signed out of the central store. Changes are kept on this workstation.';
    case 'local_only':
      return 'Sync: local only, no central store.';
    default:
      throw missingCaseError(to);
  }
}
