/**
 * The rule every record taken on a call shares (notes, complaints, contact edits): the customer
 * is in the cache, and the call, when given, is a call with this customer — or a call whose
 * caller is not identified yet.
 */
import type { ReadableDb } from '../db/open';
import { AppError } from '../../../src-shared/result';
import { createCallReadRepository } from './call-repository';

export function createCallLinkCheck(db: ReadableDb) {
  const calls = createCallReadRepository(db);
  return (customerId: string, callId: string | undefined): void => {
    if (!calls.customerExists(customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    if (callId === undefined) return;
    const call = calls.byId(callId);
    if (!call) throw new AppError('not_found', 'This call is not in the local cache.', 'callId');
    if (call.customerId !== null && call.customerId !== customerId) {
      throw new AppError('invalid_input', 'This call is with another customer; open the caller’s record, or record this without the call.', 'callId');
    }
  };
}
