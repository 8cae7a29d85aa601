/** Read side of contact edits: who changed which field of a customer's contact data, when, from what to what. */
import type { ReadableDb } from '../db/open';
import { EDIT_HISTORY_MAX, type ContactEdit } from '../../../src-shared/contracts/customer360';
import { AppError } from '../../../src-shared/result';
import { createCustomerExistsQuery, createProfileReadRepository } from './profile-repository';
import { isoTime } from '../../../src-shared/domain/time';

const DEFAULT_LIMIT = 100;

export class ProfileHistory {
  private readonly reads;
  private readonly customerExists;

  constructor(db: ReadableDb) {
    this.reads = createProfileReadRepository(db);
    this.customerExists = createCustomerExistsQuery(db);
  }

  list(customerId: string, limit: number | undefined): { edits: ContactEdit[]; total: number } {
    if (!this.customerExists(customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    const n = Math.min(limit ?? DEFAULT_LIMIT, EDIT_HISTORY_MAX);
    return {
      edits: this.reads.edits(customerId, n).map((e) => ({ ...e, at: isoTime(e.at) })),
      total: this.reads.editCount(customerId),
    };
  }
}
