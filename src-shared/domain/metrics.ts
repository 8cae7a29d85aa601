/**
 * Metric definitions, written once, here. The desk that records a call,
 * the supervisor dashboard and the central store's reports all compute from these functions, so
 * their numbers tie together. Each definition states its formula in words beside the code.
 * Durations are integer milliseconds; instants are milliseconds since the epoch (UTC).
 */

/** The three timed parts of a call, as stored on each call row. */
export interface CallDurations {
  /** Connected time with the caller, hold excluded: call start → call end, minus time on hold. */
  talkMs: number;
  /** Time the caller spent on hold, summed over every hold during the call. */
  holdMs: number;
  /** Wrap-up (after-call work): from the end of the call until the CSR is available again. */
  wrapUpMs: number;
}

/**
 * Handle time of one call = talk time + hold time + wrap-up time.
 * In words: everything the call cost the CSR, from answering it until they are free for the next
 * one — the conversation, the caller waiting on hold, and the after-call work.
 */
export function handleTimeMs(call: CallDurations): number {
  return call.talkMs + call.holdMs + call.wrapUpMs;
}

/**
 * Average handle time (AHT) = (talk + hold + after-call work) ÷ handled calls.
 * In words: the sum of every handled call's handle time divided by how many calls were handled.
 * Only completed calls (wrapped up) count as handled. No calls: null, not zero.
 */
export function averageHandleTimeMs(handledCalls: readonly CallDurations[]): number | null {
  if (handledCalls.length === 0) return null;
  let total = 0;
  for (const call of handledCalls) total += handleTimeMs(call);
  return total / handledCalls.length;
}

/**
 * Wrap-up time = from call end until the CSR is available again.
 * In words: the instant the wrap-up (disposition code and notes) is saved minus the instant the
 * conversation ended. Never negative, even if the workstation clock stepped back.
 */
export function wrapUpTimeMs(talkEndedAt: number, availableAt: number): number {
  return Math.max(0, availableAt - talkEndedAt);
}

/** What the resolution-time metric needs from a complaint. */
export interface ComplaintSpan {
  openedAt: number;
  /** The instant of the latest resolution; null while the complaint is not resolved. */
  resolvedAt: number | null;
}

/**
 * Complaint resolution time = complaint opened → resolved, reopen cycles included.
 * In words: from the moment the complaint was first logged until its latest resolution. A
 * complaint that was resolved, reopened and resolved again counts the whole span, including the
 * time it sat resolved before being reopened — the customer's problem was not settled until the
 * last resolution. A complaint that is not (or no longer) resolved has no resolution time: null.
 */
export function complaintResolutionTimeMs(complaint: ComplaintSpan): number | null {
  if (complaint.resolvedAt === null) return null;
  return Math.max(0, complaint.resolvedAt - complaint.openedAt);
}

/**
 * Upsell conversion = offers accepted ÷ offers presented.
 * In words: of every upsell or accessory offer a CSR put to a customer (each offer counts once,
 * whatever the answer, and offers still waiting for an answer count as presented), the share the
 * customer accepted. Nothing presented: null, not zero.
 */
export function upsellConversion(accepted: number, presented: number): number | null {
  if (!(accepted >= 0 && accepted <= presented)) {
    throw new RangeError(`Upsell conversion needs 0 ≤ accepted ≤ presented, not ${accepted} of ${presented}.`);
  }
  if (presented === 0) return null;
  return accepted / presented;
}
