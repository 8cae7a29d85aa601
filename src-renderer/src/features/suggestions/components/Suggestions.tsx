import { useEffect, useRef, useState } from 'react';
import type { OfferDecision, OfferRecord, OffersStatsOutput, Suggestion, SuggestionKind } from '../../../../../src-shared/contracts/suggestions';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
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
 * What to offer this caller, best first, each with the reason in words. Showing a suggestion on a
 * call records it as presented (once per call and product; the core ignores repeats); Accept and
 * Decline record the customer's answer.
 */
export function Suggestions({ customerId }: { customerId: string }) {
  const callId = useAppStore((s) => s.call?.id ?? null);
  const [list, setList] = useState<Suggestion[] | { error: string } | null>(null);
  const [offers, setOffers] = useState<Record<string, OfferState>>({});
  const [stats, setStats] = useState<OffersStatsOutput | null>(null);
  const [statsVersion, setStatsVersion] = useState(0);
  const presentedOn = useRef<string | null>(null);
  // Orders and offers from other workstations change what is worth offering; the list is replaced
  // when the new one arrives (offers already recorded on this call stay as they are).
  const dataVersion = useDataVersion();
  const historyReady = useOrderHistoryReady();

  useEffect(() => {
    let current = true;
    void switchboard()
      .suggestionsList({ customerId })
      .then((r) => {
        if (current) setList(r.ok ? r.value.suggestions : { error: r.error.message });
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

  // Shown on a call → recorded as presented on that call.
  useEffect(() => {
    if (callId === null || list === null || 'error' in list || list.length === 0) return;
    if (presentedOn.current === callId) return;
    presentedOn.current = callId;
    void Promise.all(
      list.map(async (s) => {
        const r = await switchboard().offerPresent({ customerId, callId, productId: s.productId, kind: s.kind, reason: s.reason });
        return [s.productId, r.ok ? { offer: r.value.offer } : { error: r.error.message }] as const;
      }),
    ).then((entries) => {
      setOffers(Object.fromEntries(entries));
      setStatsVersion((v) => v + 1);
    });
  }, [callId, customerId, list]);

  const decide = async (s: Suggestion, outcome: OfferDecision) => {
    let offer = offers[s.productId];
    if (!offer || 'error' in offer) {
      // Off a call (or the presentation failed): offering it now is presenting it.
      const presented = await switchboard().offerPresent({ customerId, callId, productId: s.productId, kind: s.kind, reason: s.reason });
      if (!presented.ok) {
        setOffers((o) => ({ ...o, [s.productId]: { error: presented.error.message } }));
        return;
      }
      offer = { offer: presented.value.offer };
    }
    const r = await switchboard().offerDecide({ offerId: offer.offer.offerId, outcome });
    setOffers((o) => ({ ...o, [s.productId]: r.ok ? { offer: r.value } : { error: r.error.message } }));
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
          </span>
        )}
      </div>
      {list === null && <p className="muted">Loading suggestions…</p>}
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
            return (
              <li key={s.productId} className="suggestion">
                <span className="chip">{KIND_LABELS[s.kind]}</span>
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
                  {state && 'error' in state && (
                    <span className="field__error" role="alert">
                      {state.error}
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
