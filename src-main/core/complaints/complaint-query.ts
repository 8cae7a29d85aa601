/** Read side of complaints: one complaint with its full history, and a customer's complaints. */
import type { ReadableDb } from '../db/open';
import { AppError } from '../../../src-shared/result';
import { complaintResolutionTimeMs } from '../../../src-shared/domain/metrics';
import {
  COMPLAINT_LIST_MAX,
  COMPLAINT_STATUSES,
  COMPLAINT_TRANSITIONS,
  type ComplaintDetail,
  type ComplaintStatus,
  type ComplaintSummary,
} from '../../../src-shared/contracts/complaints';
import { createCustomerExistsQuery } from '../customer/profile-repository';
import { createComplaintReadRepository, type ComplaintRow } from './complaint-repository';
import { isoTime } from '../../../src-shared/domain/time';

const DEFAULT_LIST = 100;
// Never a throw, whatever time a row holds (issue 18, item 6).
const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

function toSummary(row: ComplaintRow): ComplaintSummary {
  return {
    ...row,
    openedAt: isoTime(row.openedAt),
    resolvedAt: iso(row.resolvedAt),
    updatedAt: isoTime(row.updatedAt),
    resolutionTimeMs: complaintResolutionTimeMs(row),
  };
}

export class ComplaintQuery {
  private readonly complaints;
  private readonly customerExists;

  constructor(db: ReadableDb) {
    this.complaints = createComplaintReadRepository(db);
    this.customerExists = createCustomerExistsQuery(db);
  }

  get(complaintId: string): ComplaintDetail {
    const row = this.complaints.byId(complaintId);
    if (!row) throw new AppError('not_found', 'This complaint is not in the local cache.', 'complaintId');
    return {
      ...toSummary(row),
      history: this.complaints.events(complaintId).map((e) => ({ ...e, at: isoTime(e.at) })),
      allowedTransitions: [...COMPLAINT_TRANSITIONS[row.status]],
    };
  }

  list(customerId: string, statuses: readonly ComplaintStatus[] | undefined, limit: number | undefined): { complaints: ComplaintSummary[]; total: number } {
    if (!this.customerExists(customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    const wanted = statuses && statuses.length > 0 ? statuses : COMPLAINT_STATUSES;
    const n = Math.min(limit ?? DEFAULT_LIST, COMPLAINT_LIST_MAX);
    return {
      complaints: this.complaints.forCustomer(customerId, wanted, n).map(toSummary),
      total: this.complaints.countForCustomer(customerId, wanted),
    };
  }
}
