import { useEffect, useRef, useState } from 'react';
import type { OfferDecision, OfferRecord, OffersStatsOutput, Suggestion, SuggestionKind } from '../../../../../src-shared/contracts/suggestions';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { canNow } from '../../auth/store';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';
import { OrderHistoryArriving } from '../../sync/components/OrderHistoryArriving';
import { formatMoney } from '../../lookup/format';
import { useShortcut } from '../../../app/useShortcut';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

const KIND_LABELS: Record<SuggestionKind, string> = {
  complement: 'Goes with',
  accessory: 'Accessory',
  co_purchase: 'Often bought together',
  replenishment: 'Time to restock',
};
const OUTCOME_LABELS: Record<OfferRecord['outcome'], string> = { presented: 'Offered', accepted: 'Accepted', declined: 'Declined' };

type OfferState = { offer: OfferRecord } | { error: string };

/**
 * What to offer this caller, best first, each with the reason in words. Showing a suggestion records
 * nothing: Present records that the CSR offered it (once per call and product; the core ignores
 * repeats), and Accept and Decline record the customer's answer (presenting it first if need be).
 * Service suggestions (a consumable that is due) are marked as such; they are all a customer without
 * marketing consent is shown (src-shared/domain/offer-rules.ts).
 */
export function Suggestions({ customerId }: { customerId: string }) {
  const callId = useAppStore((s) => s.call?.id ?? null);
  const [list, setList] = useState<Suggestion[] | { error: string } | null>(null);
  const [marketingConsent, setMarketingConsent] = useState(true);
  const [offers, setOffers] = useState<Record<string, OfferState>>({});
  const [stats, setStats] = useState<OffersStatsOutput | null>(null);
  const [statsVersion, setStatsVersion] = useState(0);
  // Orders and offers from other workstations change what is worth offering; the list is replaced
  // when the new one arrives (offers already recorded on this call stay as they are).
  const dataVersion = useDataVersion();
  const historyReady = useOrderHistoryReady();

  useEffect(() => {
    let current = true;
    void switchboard()
      .suggestionsList({ customerId })
      .then((r) => {
        if (!current) return;
        setList(r.ok ? r.value.suggestions : { error: r.error.message });
        if (r.ok) setMarketingConsent(r.value.marketingConsent);
      });
    return () => {
      current = false;
    };
  }, [customerId, dataVersion]);

  useEffect(() => {
    let current = true;
    void switchboard()
      .offersStats({ customerId })
      .then((r) => {
        if (current && r.ok) setStats(r.value);
      });
    return () => {
      current = false;
    };
  }, [customerId, statsVersion, dataVersion]);

  // Shown is not offered (src-shared/domain/offer-rules.ts): an offer is recorded only when the CSR
  // presents it (Present), or answers it (Accept / Decline present it first if need be).
  const present = async (s: Suggestion): Promise<OfferState> => {
    const r = await switchboard().offerPresent({ customerId, callId, productId: s.productId, kind: s.kind, reason: s.reason });
    const state: OfferState = r.ok ? { offer: r.value.offer } : { error: r.error.message };
    setOffers((o) => ({ ...o, [s.productId]: state }));
    setStatsVersion((v) => v + 1);
    return state;
  };

  // Offers are recorded per call: another call (or another customer) starts with nothing presented.
  useEffect(() => setOffers({}), [callId, customerId]);

  const decide = async (s: Suggestion, outcome: OfferDecision) => {
    let offer = offers[s.productId];
    if (!offer || 'error' in offer) {
      // Not presented yet: answering it is offering it, so it is presented first.
      offer = await present(s);
      if ('error' in offer) return;
    }
    const r = await switchboard().offerDecide({ offerId: offer.offer.offerId, outcome });
    setOffers((o) => ({ ...o, [s.productId]: r.ok ? { offer: r.value } : { error: r.error.message } }));
    // Accepting an offer puts it in the cart; the ordered line names the offer, which then counts as converted.
    if (r.ok && outcome === 'accepted' && canNow('order.take')) {
      useAppStore.getState().addToCart(customerId, { productId: s.productId, name: s.name, sku: s.sku, source: 'suggestion', offerId: r.value.offerId });
    }
    setStatsVersion((v) => v + 1);
  };

  // Alt+A / Alt+R answer for the first suggestion not yet answered.
  const isDecided = (s: Suggestion) => {
    const state = offers[s.productId];
    return state !== undefined && 'offer' in state && (state.offer.outcome === 'accepted' || state.offer.outcome === 'declined');
  };
  const firstOpen = list !== null && !('error' in list) ? (list.find((s) => !isDecided(s)) ?? null) : null;
  const answering = useRef<string | null>(null);
  const answerFirst = (outcome: OfferDecision) => {
    // A second press before the first answer is in must not answer the same suggestion twice.
    if (firstOpen === null || answering.current === firstOpen.productId) return;
    answering.current = firstOpen.productId;
    void decide(firstOpen, outcome).finally(() => {
      answering.current = null;
    });
  };
  useShortcut('acceptSuggestion', () => answerFirst('accepted'), firstOpen !== null);
  useShortcut('declineSuggestion', () => answerFirst('declined'), firstOpen !== null);

  return (
    <section className="panel panel--wide" aria-labelledby="suggestions-heading">
      <div className="panel__bar">
        <h3 id="suggestions-heading" className="panel__title">
          Suggestions
        </h3>
        {stats && stats.presented > 0 && (
          <span className="panel__count" role="status" aria-label="Offers on record">
            {stats.accepted} accepted, {stats.declined} declined of {stats.presented} offered
            {stats.converted > 0 && `; ${stats.converted} ordered (${stats.convertedRevenue.map((r) => formatMoney(r.totalCents, r.currency)).join(', ')})`}
          </span>
        )}
      </div>
      {list === null && <p className="muted">Loading suggestions…</p>}
      {list !== null && !('error' in list) && !marketingConsent && (
        <p className="muted" id="suggestions-consent">
          No marketing consent: only service suggestions, no upsell.
        </p>
      )}
      {list !== null && 'error' in list && (
        <p className="notice notice--error" role="alert">
          {list.error}
        </p>
      )}
      {list !== null && !('error' in list) && list.length === 0 && (historyReady ? <p className="muted">Nothing worth offering right now.</p> : <OrderHistoryArriving />)}
      {list !== null && !('error' in list) && list.length > 0 && (
        <ol className="suggestions" aria-label="Suggestions, best first" data-focus-scope="">
          {list.map((s) => {
            const state = offers[s.productId];
            const outcome = state && 'offer' in state ? state.offer.outcome : null;
            const decided = outcome === 'accepted' || outcome === 'declined';
            const presented = outcome === 'presented';
            return (
              <li key={s.productId} className="suggestion">
                <span className="chip">{KIND_LABELS[s.kind]}</span>
                {s.purpose === 'service' && <span className="chip chip--service">Service</span>}
                <span className="suggestion__name">
                  {s.name} <span className="mono muted">{s.sku}</span>
                </span>
                <span className="suggestion__price tabular">{formatMoney(s.priceCents, s.currency)}</span>
                <span className="suggestion__reason">{s.reason}</span>
                <span className="suggestion__actions">
                  {decided ? (
                    <span className={`status status--${outcome}`} role="status">
                      {OUTCOME_LABELS[outcome]}
                    </span>
                  ) : (
                    <>
                      {presented ? (
                        <span className="status status--presented" role="status" aria-label={`${s.name} presented`}>
                          {OUTCOME_LABELS.presented}
                        </span>
                      ) : (
                        <button type="button" className="button button--small" onClick={() => void present(s)} aria-label={`Present ${s.name}`}>
                          Present
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => void decide(s, 'accepted')}
                        aria-label={`Accept ${s.name}`}
                        {...(s === firstOpen ? shortcutProps('acceptSuggestion') : {})}
                      >
                        Accept
                      </button>
                      {/* Beside, not inside: the button's name is "Accept <product>", and its text must stay part of it. */}
                      {s === firstOpen && <ShortcutHint id="acceptSuggestion" />}
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => void decide(s, 'declined')}
                        aria-label={`Decline ${s.name}`}
                        {...(s === firstOpen ? shortcutProps('declineSuggestion') : {})}
                      >
                        Decline
                      </button>
                      {s === firstOpen && <ShortcutHint id="declineSuggestion" />}
                    </>
                  )}
                </span>
                {/* On a row of its own: in the actions column a sentence squeezed the reason to a word a line. */}
                {state && 'error' in state && (
                  <span className="field__error suggestion__error" role="alert">
                    {state.error}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
