/**
 * The values a complaint's columns take, declared once: the cache's and the store's `complaints`
 * and `complaint_events` tables, the contracts and the mutations all read them from here.
 */

export const COMPLAINT_STATUSES = ['open', 'in_progress', 'resolved', 'reopened'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

/** What a row of a complaint's history records. */
export const COMPLAINT_EVENT_KINDS = ['opened', 'status', 'follow_up', 'note'] as const;
export type ComplaintEventKind = (typeof COMPLAINT_EVENT_KINDS)[number];
