/**
 * Applies one parsed mutation inside its transaction: the appliers write the store's tables (the
 * change-log trigger records every row they touch). Each is idempotent on its rows' UUIDs, and
 * throws MutationRefused for a permanent reason not to apply. An `agentId` in the arguments is the
 * author the store resolved (push-batch.ts, `authoredBy`), never the text the workstation sent.
 */
import type { ParsedMutation } from '../../../../src-shared/sync/mutations';
import { missingCaseError } from '../../../../src-shared/result';
import { applyCallMutation } from './call-steps';
import { applyComplaintMutation } from './complaint-events';
import { applyCustomerCreate, applyUpdateContact } from './customer-contact';
import { applyNoteOrOffer } from './notes-offers';
import type { ApplyContext } from './refusal';

export async function applyMutation(ctx: ApplyContext, m: ParsedMutation): Promise<void> {
  switch (m.name) {
    case 'customer.create':
      return applyCustomerCreate(ctx, m);
    case 'customer.update_contact':
      return applyUpdateContact(ctx, m);
    case 'call.start':
    case 'call.attach_customer':
    case 'call.hold':
    case 'call.resume':
    case 'call.end':
    case 'call.wrap_up':
      return applyCallMutation(ctx, m);
    case 'complaint.log':
    case 'complaint.transition':
    case 'complaint.set_follow_up':
      return applyComplaintMutation(ctx, m);
    case 'note.add':
    case 'offer.present':
    case 'offer.decide':
      return applyNoteOrOffer(ctx, m);
    default:
      throw missingCaseError(m);
  }
}
