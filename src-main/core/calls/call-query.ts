/** Read side of calls: one call's state with running timings, the agent's current call, the configurable lists. */
import type { ReadableDb } from '../db/open';
import { AppError } from '../../../src-shared/result';
import type { CallState, ListEntry } from '../../../src-shared/contracts/calls';
import { createCallReadRepository, type CallRow } from './call-repository';
import { callTimings } from './call-timing';
import { isoTime } from '../../../src-shared/domain/time';

// Never a throw, whatever time a row holds (issue 18, item 6).
const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

export function toCallState(row: CallRow, now: number): CallState {
  // A completed call's timings are what was stored, whatever the clock says now.
  const asOf = row.status === 'completed' && row.completedAt !== null ? row.completedAt : now;
  return {
    id: row.id,
    customerId: row.customerId,
    fromE164: row.fromE164,
    fromRaw: row.fromRaw,
    source: row.source,
    status: row.status,
    agentId: row.agentId,
    startedAt: isoTime(row.startedAt),
    holdStartedAt: iso(row.holdStartedAt),
    talkEndedAt: iso(row.talkEndedAt),
    completedAt: iso(row.completedAt),
    dispositionCode: row.dispositionCode,
    wrapUpNotes: row.wrapUpNotes,
    satisfaction: row.satisfaction,
    timings: callTimings(row, asOf),
    asOf: isoTime(asOf),
  };
}

export class CallQuery {
  private readonly calls;

  constructor(db: ReadableDb) {
    this.calls = createCallReadRepository(db);
  }

  get(callId: string, now: number): CallState {
    const row = this.calls.byId(callId);
    if (!row) throw new AppError('not_found', 'This call is not in the local cache.', 'callId');
    return toCallState(row, now);
  }

  /**
   * The agent's current call and the others waiting (issue 19, item 2). Current: the one talking or
   * in wrap-up; when every open call is on hold, the one waiting longest. Waiting: the rest, oldest first.
   */
  current(agentId: string, now: number): { call: CallState | null; waiting: CallState[] } {
    const open = this.calls.allUnfinishedForAgent(agentId);
    const current = open.find((c) => c.status === 'active' || c.status === 'wrap_up') ?? open[0];
    return {
      call: current ? toCallState(current, now) : null,
      waiting: open.filter((c) => c !== current).map((c) => toCallState(c, now)),
    };
  }

  lists(): { dispositions: ListEntry[]; complaintCategories: ListEntry[] } {
    return { dispositions: this.calls.activeDispositions(), complaintCategories: this.calls.activeComplaintCategories() };
  }
}
