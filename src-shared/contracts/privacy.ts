/**
 * A customer's data on request and erasure on request (issue 23; server/src/privacy). Routes:
 * - POST /privacy/customers/:customerId/export (data.export): everything held about one customer, a ZIP.
 * - POST /privacy/erasure-requests (erasure.request: supervisors, admins): ask for a customer's erasure.
 * - GET  /privacy/erasure-requests (erasure.confirm: admins): the requests, pending first.
 * - POST /privacy/erasure-requests/:requestId/decision (erasure.confirm): confirm (erase) or decline.
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';

const uuid = text().uuid({ message: 'Not an id.' });

export const ERASURE_STATUSES = ['pending', 'confirmed', 'declined'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

export const ERASURE_REASON_MAX = 500;

export const customerIdParams = z.object({ customerId: uuid }).strict();
export const erasureRequestParams = z.object({ requestId: uuid }).strict();

export const erasureRequestInput = z
  .object({
    customerId: uuid,
    /** Why (e.g. "customer's written request of 3 May, ticket 118"). Say nothing about the customer beyond that. */
    reason: freeText().trim().min(3, { message: 'Say why, in a few words.' }).max(ERASURE_REASON_MAX, { message: `At most ${ERASURE_REASON_MAX} characters.` }),
  })
  .strict();
export type ErasureRequestInput = z.infer<typeof erasureRequestInput>;

export const erasureDecisionInput = z.object({ decision: z.enum(['confirm', 'decline']) }).strict();
export type ErasureDecisionInput = z.infer<typeof erasureDecisionInput>;

export const erasureListQuery = z.object({ status: z.enum(ERASURE_STATUSES).optional() }).strict();

export const erasureRequest = z.object({
  id: uuid,
  customerId: uuid,
  /** The customer's name while pending (so the admin knows whom); "Erased customer" once erased. */
  customerName: text(),
  reason: text(),
  status: z.enum(ERASURE_STATUSES),
  requestedBy: text(),
  requestedAt: z.number().int(),
  decidedBy: text().nullable(),
  decidedAt: z.number().int().nullable(),
});
export type ErasureRequest = z.infer<typeof erasureRequest>;
export const erasureRequestList = z.object({ requests: z.array(erasureRequest) });

/** What an erased customer's name becomes (first and last name). */
export const ERASED_FIRST_NAME = 'Erased';
export const ERASED_LAST_NAME = 'customer';
/** What erased free text (notes, complaint descriptions, wrap-up notes) becomes. */
export const ERASED_TEXT = '[erased]';

// ——— The workstation's channels (access 'store': asked of the central store with the user's token) ———

/** Saves everything held about the customer as a ZIP in the Downloads folder; answers where. */
export const privacyExportCustomerChannel = defineChannel({
  channel: 'privacy:export-customer',
  permission: 'data.export',
  access: 'store',
  input: z.object({ customerId: uuid }).strict(),
  output: z.object({ path: text(), fileName: text() }),
});

export const privacyRequestErasureChannel = defineChannel({
  channel: 'privacy:request-erasure',
  permission: 'erasure.request',
  access: 'store',
  input: erasureRequestInput,
  output: z.object({ id: uuid }),
});

export const privacyErasureRequestsChannel = defineChannel({
  channel: 'privacy:erasure-requests',
  permission: 'erasure.confirm',
  access: 'store',
  input: erasureListQuery,
  output: erasureRequestList,
});

export const privacyDecideErasureChannel = defineChannel({
  channel: 'privacy:decide-erasure',
  permission: 'erasure.confirm',
  access: 'store',
  input: erasureDecisionInput.extend({ requestId: uuid }).strict(),
  output: z.object({ status: z.enum(ERASURE_STATUSES), customerId: uuid }),
});

export const privacyChannels = channelGroup(privacyExportCustomerChannel, privacyRequestErasureChannel, privacyErasureRequestsChannel, privacyDecideErasureChannel);
