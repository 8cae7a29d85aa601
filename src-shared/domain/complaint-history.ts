/**
 * How a follow-up change reads in a complaint's history: one wording for the workstation that
 * records it (ComplaintLog) and the central store that applies it again (server/src/sync/mutations/complaints.ts).
 */
export function followUpDetail(previous: string | null, next: string | null): string {
  if (next === null) return previous === null ? 'Follow-up cleared' : `Follow-up cleared (was ${previous})`;
  return previous === null || previous === next ? `Follow up on ${next}` : `Follow-up moved from ${previous} to ${next}`;
}
