/**
 * OfferLog: every upsell offer a CSR puts to a customer, and the customer's answer. Each write
 * commits with its outbox entry ('offer.present', 'offer.decide') in one transaction, so the central
 * store sees exactly the offers this workstation saved. Presenting is idempotent per call and
 * product: showing the same suggestion twice on one call (a re-render, a double click, a retry)
 * records one offer, so conversion is never diluted. A decision is final: presented → accepted or
 * declined, once.
 */
import { randomUUID } from 'node:crypto';
import type { ReadableDb, WritableDb } from '../db/open';
import { Outbox } from '../outbox/outbox';
import { AppError } from '../../../src-shared/result';
import { mayStep, type StepAgent } from '../../../src-shared/auth/permissions';
import { upsellConversion } from '../../../src-shared/domain/metrics';
import type {
  OfferDecision,
  OfferPresentInput,
  OfferPresentOutput,
  OfferRecord,
  OffersStatsInput,
  OffersStatsOutput,
} from '../../../src-shared/contracts/suggestions';
import { OfferReadRepository, OfferWriteRepository, type OfferRow } from './offer-repository';
import { isoTime } from '../../../src-shared/domain/time';

function record(row: OfferRow): OfferRecord {
  return {
    offerId: row.id,
    customerId: row.customerId,
    callId: row.callId,
    productId: row.productId,
    kind: row.kind,
    reason: row.reason,
    outcome: row.outcome,
    agentId: row.agentId,
    presentedAt: isoTime(row.presentedAt),
    decidedAt: row.decidedAt === null ? null : isoTime(row.decidedAt),
  };
}

const clock = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export class OfferLog {
  private readonly repo: OfferWriteRepository;
  private readonly outbox: Outbox;

  constructor(private readonly db: WritableDb) {
    this.repo = new OfferWriteRepository(db);
    this.outbox = new Outbox(db);
  }

  present(input: OfferPresentInput, agentId: string, now: number): OfferPresentOutput {
    const callId = input.callId ?? null;
    const run = this.db.$client.transaction((): OfferPresentOutput => {
      if (!this.repo.customerExists(input.customerId)) {
        throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
      }
      if (!this.repo.productExists(input.productId)) {
        throw new AppError('not_found', 'This product is not in the catalogue on this workstation.', 'productId');
      }
      if (callId !== null) {
        const call = this.repo.callCustomer(callId);
        if (!call) throw new AppError('not_found', 'This call is not on this workstation.', 'callId');
        if (call.customerId !== null && call.customerId !== input.customerId) {
          throw new AppError('conflict', 'This call is with a different customer: offers are recorded on the caller’s own call.', 'callId');
        }
      }
      const existing = callId === null ? this.repo.undecidedOfferWithoutCall(input.customerId, input.productId) : this.repo.offerOnCall(callId, input.productId);
      if (existing) {
        if (existing.customerId !== input.customerId) {
          throw new AppError('conflict', 'This product was already offered on this call to a different customer.', 'callId');
        }
        return { offer: record(existing), alreadyPresented: true };
      }
      const row: Omit<OfferRow, 'outcome' | 'decidedAt'> = {
        id: randomUUID(),
        customerId: input.customerId,
        callId,
        agentId,
        productId: input.productId,
        kind: input.kind,
        reason: input.reason,
        presentedAt: now,
      };
      this.repo.insertOffer(row);
      this.outbox.append('offer.present', { offerId: row.id, customerId: row.customerId, callId, productId: row.productId, kind: row.kind, reason: row.reason, agentId, presentedAt: now }, now);
      return { offer: record({ ...row, outcome: 'presented', decidedAt: null }), alreadyPresented: false };
    });
    // IMMEDIATE: the duplicate check and the insert see the same database, even beside another writer.
    return run.immediate();
  }

  decide(offerId: string, outcome: OfferDecision, agent: StepAgent, now: number): OfferRecord {
    const { agentId } = agent;
    const run = this.db.$client.transaction((): OfferRecord => {
      const offer = this.repo.offer(offerId);
      if (!offer) throw new AppError('not_found', 'There is no such offer on this workstation.', 'offerId');
      // The answer is recorded by the agent who presented the offer, unless their role may (issue 18, item 8).
      if (!mayStep(offer.agentId, agent)) {
        throw new AppError('forbidden', `This offer was presented by ${offer.agentId}; only they (or a supervisor) can record the answer.`, 'offerId');
      }
      if (offer.outcome !== 'presented') {
        const when = offer.decidedAt === null ? '' : ` on ${clock.format(offer.decidedAt)} UTC`;
        throw new AppError('conflict', `This offer was already marked ${offer.outcome}${when}; a recorded answer cannot be changed.`, 'offerId');
      }
      if (!this.repo.decideOffer(offerId, outcome, now)) {
        throw new AppError('conflict', 'This offer was answered a moment ago on this workstation; reload to see the answer.', 'offerId');
      }
      this.outbox.append('offer.decide', { offerId, outcome, agentId, decidedAt: now }, now);
      return record({ ...offer, outcome, decidedAt: now });
    });
    return run.immediate();
  }
}

/** Upsell conversion for one customer or one call (the reader's side). */
export class OfferStats {
  private readonly repo: OfferReadRepository;

  constructor(db: ReadableDb) {
    this.repo = new OfferReadRepository(db);
  }

  stats(input: OffersStatsInput): OffersStatsOutput {
    let counts;
    let conversions;
    if (input.customerId !== undefined) {
      if (!this.repo.customerExists(input.customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
      counts = this.repo.countsForCustomer(input.customerId);
      conversions = this.repo.conversions('customer', input.customerId);
    } else if (input.callId !== undefined) {
      if (!this.repo.callExists(input.callId)) throw new AppError('not_found', 'This call is not on this workstation.', 'callId');
      counts = this.repo.countsForCall(input.callId);
      conversions = this.repo.conversions('call', input.callId);
    } else {
      throw new AppError('invalid_input', 'Give either a customer or a call.');
    }
    return {
      ...counts,
      conversion: upsellConversion(counts.accepted, counts.presented),
      converted: conversions.converted,
      convertedRevenue: conversions.revenue,
    };
  }
}
