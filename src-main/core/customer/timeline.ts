/**
 * CustomerTimeline: one history of a customer across channels — orders (web, phone, store),
 * calls, complaints and notes — newest first, in keyset pages. Each source reads at most one page
 * past the cursor from its own index; the pages are merged here, so a customer with thousands of
 * events pages as fast at the end as at the start. While a first copy is still bringing in orders
 * (their indexes are built at its end) the timeline has no orders: reading them would scan the table.
 */
import type { ReadableDb } from '../db/open';
import { AppError } from '../../../src-shared/result';
import { handleTimeMs } from '../../../src-shared/domain/metrics';
import {
  TIMELINE_KINDS,
  TIMELINE_PAGE_DEFAULT,
  TIMELINE_PAGE_MAX,
  type CustomerTimelineInput,
  type TimelineEntry,
  type TimelineKind,
} from '../../../src-shared/contracts/customer360';
import { createCustomerExistsQuery } from './profile-repository';
import { createTimelineRepository } from './timeline-repository';
import { boundsAfter, decodeCursor, encodeCursor, newestFirst } from './timeline-cursor';
import { isoTime } from '../../../src-shared/domain/time';

type Positioned = { at: number; kind: TimelineKind; id: string; entry: TimelineEntry };

// Never a throw, whatever time a row holds (issue 18, item 6).
const iso = isoTime;

export class CustomerTimeline {
  private readonly sources;
  private readonly customerExists;

  constructor(db: ReadableDb) {
    this.sources = createTimelineRepository(db);
    this.customerExists = createCustomerExistsQuery(db);
  }

  page(input: CustomerTimelineInput): { entries: TimelineEntry[]; nextCursor: string | null } {
    if (!this.customerExists(input.customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    const limit = Math.min(input.limit ?? TIMELINE_PAGE_DEFAULT, TIMELINE_PAGE_MAX);
    const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor, TIMELINE_KINDS);
    const kinds = new Set<TimelineKind>(input.kinds ?? TIMELINE_KINDS);
    // One more than a page from each source: if the merge has more than `limit`, there is a next page.
    const bounds = (kind: TimelineKind) => ({ ...boundsAfter(cursor, kind), customerId: input.customerId, limit: limit + 1 });
    const merged: Positioned[] = [];

    if (kinds.has('order') && !this.sources.orderHistoryArriving()) {
      for (const r of this.sources.orders(bounds('order'))) {
        merged.push({ at: r.at, kind: 'order', id: r.id, entry: { kind: 'order', ...r, at: iso(r.at) } });
      }
    }
    if (kinds.has('call')) {
      for (const r of this.sources.calls(bounds('call'))) {
        const { talkMs, holdMs, wrapUpMs, ...rest } = r;
        const handleMs = r.status === 'completed' ? handleTimeMs({ talkMs, holdMs, wrapUpMs }) : null;
        merged.push({ at: r.at, kind: 'call', id: r.id, entry: { kind: 'call', ...rest, at: iso(r.at), handleMs } });
      }
    }
    if (kinds.has('complaint')) {
      for (const r of this.sources.complaints(bounds('complaint'))) {
        merged.push({
          at: r.at,
          kind: 'complaint',
          id: r.id,
          entry: { kind: 'complaint', ...r, at: iso(r.at), resolvedAt: r.resolvedAt === null ? null : iso(r.resolvedAt) },
        });
      }
    }
    if (kinds.has('note')) {
      for (const r of this.sources.notes(bounds('note'))) {
        merged.push({ at: r.at, kind: 'note', id: r.id, entry: { kind: 'note', ...r, at: iso(r.at) } });
      }
    }

    merged.sort(newestFirst);
    const shown = merged.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      entries: shown.map((p) => p.entry),
      nextCursor: merged.length > limit && last ? encodeCursor(last) : null,
    };
  }
}
