import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import type { OrderDraftInput, OrderQuote, OrderSubmitInput, OrderSummary } from '../../../../../src-shared/contracts/orders';
import { ORDER_LIMITS } from '../../../../../src-shared/contracts/orders';
import { DELIVERY_METHODS, PAYMENT_METHODS, type DeliveryMethod, type PaymentMethod } from '../../../../../src-shared/domain/order';
import type { SellingCurrency } from '../../../../../src-shared/domain/product';
import { findCardNumber } from '../../../../../src-shared/domain/card-number';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useShortcut } from '../../../app/useShortcut';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';
import { SelectField, TextAreaField, TextField } from '../../../ui/fields';
import { formatMoney } from '../../lookup/format';
import { STATUS_LABELS } from '../../customer/components/ProfilePanels';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { ProductSearch } from './ProductSearch';
import type { Cart } from '../store';

export const DELIVERY_LABELS: Record<DeliveryMethod, string> = { standard: 'Standard delivery', express: 'Express delivery', pickup: 'Pick up in store' };
export const PAYMENT_LABELS: Record<PaymentMethod, string> = {
  pay_link: 'Pay-by-link sent to the customer',
  card_on_file: 'Card on file (the shop’s token)',
  invoice: 'Invoice',
  cash_on_delivery: 'Cash on delivery',
};

/** What the order's status means to the CSR, with the store's number once it has one. */
export function orderStatusSentence(order: OrderSummary): string {
  switch (order.status) {
    case 'submitted':
      return `Order ${order.number}: submitted, waiting for the store.`;
    case 'awaiting_approval':
      return `Order ${order.number}: awaiting a supervisor's approval of the discount. It is not released until approved.`;
    case 'needs_attention':
      return `Order ${order.number}: needs attention. ${order.attentionReason ?? ''}`.trim();
    case 'placed':
    case 'paid':
    case 'shipped':
    case 'delivered':
      return `Order ${order.number}: confirmed by the store (${STATUS_LABELS[order.status].toLowerCase()}).${order.approverName ? ` Discount approved by ${order.approverName}.` : ''}`;
    case 'cancelled':
      return `Order ${order.number}: cancelled.${order.attentionReason ? ` ${order.attentionReason}` : ''}`;
    case 'returned':
      return `Order ${order.number}: returned.`;
  }
}

const WAITING: ReadonlySet<OrderSummary['status']> = new Set(['submitted', 'awaiting_approval']);

interface OrderForm {
  currency: string;
  campaignCode: string;
  discountKind: 'percent' | 'amount';
  discountValue: string;
  discountReason: string;
  deliverTo: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  deliveryMethod: DeliveryMethod;
  paymentMethod: PaymentMethod;
  heardFrom: string;
  note: string;
  approverUsername: string;
  approverPassword: string;
  approvalReason: string;
}
type FieldName = keyof OrderForm;

const NEW_ADDRESS = 'new';

/** "12.50" → 1250 minor units; "15" (percent) → 15; null when it is not a number of that kind. */
function parseDiscount(kind: OrderForm['discountKind'], raw: string): number | null | 'invalid' {
  const value = raw.trim().replace(',', '.');
  if (value === '') return null;
  if (kind === 'percent') return /^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 100 ? Number(value) : 'invalid';
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(value)) return 'invalid';
  const cents = Math.round(Number(value) * 100);
  return cents >= 1 && cents <= ORDER_LIMITS.maxAmountCents ? cents : 'invalid';
}

function cardGuard(value: string): string | undefined {
  return findCardNumber(value) ? 'This looks like a card number. Switchboard never stores card numbers (PCI DSS): take payment by link, card on file or invoice, and remove the digits.' : undefined;
}

/** The core names the field it refused (`campaignCode`, `delivery.address.city`, `approval.password`): ours, where it is one. */
function formFieldOf(field: string | undefined): FieldName | null {
  if (!field) return null;
  const map: Record<string, FieldName> = {
    campaignCode: 'campaignCode',
    'manualDiscount.value': 'discountValue',
    'manualDiscount.reason': 'discountReason',
    'manualDiscount.kind': 'discountKind',
    manualDiscount: 'discountValue',
    heardFrom: 'heardFrom',
    note: 'note',
    paymentMethod: 'paymentMethod',
    deliveryMethod: 'deliveryMethod',
    'delivery.addressId': 'deliverTo',
    'approval.username': 'approverUsername',
    'approval.password': 'approverPassword',
    'approval.reason': 'approvalReason',
  };
  if (map[field]) return map[field];
  const address = /^delivery\.address\.(line1|line2|city|region|postalCode|country)$/.exec(field);
  return address ? (address[1] as FieldName) : null;
}

function useOrderOptions() {
  const [options, setOptions] = useState<{ sources: { code: string; label: string }[]; currencies: SellingCurrency[]; defaultCurrency: SellingCurrency } | { error: string } | null>(null);
  useEffect(() => {
    let current = true;
    void switchboard()
      .orderOptions({})
      .then((r) => {
        if (current) setOptions(r.ok ? r.value : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, []);
  return options;
}

/** Follows a submitted order: the cache's status, read again twice a second (a local read) until the store has answered. */
function useOrderFollow(order: OrderSummary | null, setOrder: (o: OrderSummary) => void) {
  const dataVersion = useDataVersion();
  const orderId = order?.orderId ?? null;
  const waiting = order !== null && WAITING.has(order.status);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), 500);
    return () => window.clearInterval(timer);
  }, [waiting]);
  useEffect(() => {
    if (orderId === null || !waiting) return;
    let current = true;
    void switchboard()
      .orderStatus({ orderId })
      .then((r) => {
        if (current && r.ok) setOrder(r.value);
      });
    return () => {
      current = false;
    };
  }, [orderId, waiting, tick, dataVersion]);
}

/**
 * The order taken on the call (issue 21): products from the search, a past order or an accepted
 * suggestion; the total, taxes and shipping as the shared pricing module computes them (quoted by
 * the core as the cart changes, so what the CSR reads out is what the store records); campaign
 * code and manual discount with their sentences; delivery, payment and "how did you hear of us";
 * a discount beyond the CSR's authority approved by a supervisor here or sent to the team's
 * supervisors. Submitting saves the order and its outbox entry at once; the panel then follows
 * it until the store confirms it (with its number) or says what needs attention.
 */
export function OrderPanel({ customerId, card, cart }: { customerId: string; card: CustomerCard; cart: Cart | null }) {
  const id = useId();
  const callId = useAppStore((s) => s.call?.customerId === customerId ? s.call.id : null);
  const options = useOrderOptions();
  const cartNotice = useAppStore((s) => (s.cartNotice?.customerId === customerId ? s.cartNotice.text : null));
  const items = useMemo(() => cart?.items ?? [], [cart]);
  const primary = card.addresses.find((a) => a.isPrimary) ?? card.addresses[0];
  const form = useForm<OrderForm>({
    defaultValues: {
      currency: '',
      campaignCode: '',
      discountKind: 'percent',
      discountValue: '',
      discountReason: '',
      deliverTo: primary?.id ?? NEW_ADDRESS,
      line1: '',
      line2: '',
      city: '',
      region: '',
      postalCode: '',
      country: primary?.country ?? '',
      deliveryMethod: 'standard',
      paymentMethod: 'pay_link',
      heardFrom: '',
      note: '',
      approverUsername: '',
      approverPassword: '',
      approvalReason: '',
    },
  });
  const { register, watch, setError, clearErrors, formState, setFocus, reset } = form;
  const values = watch();
  const errors = formState.errors;
  const [quote, setQuote] = useState<{ key: string; quote: OrderQuote } | { key: string; error: string } | null>(null);
  const [submitted, setSubmitted] = useState<OrderSummary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [approvalOpen, setApprovalOpen] = useState(false);
  const statusRef = useRef<HTMLDivElement>(null);
  const approvalRef = useRef<HTMLFieldSetElement>(null);
  useOrderFollow(submitted, setSubmitted);
  // Once submitted the form goes: focus moves to the order's status, which says what happens next.
  const submittedId = submitted?.orderId ?? null;
  useEffect(() => {
    if (submittedId !== null) statusRef.current?.focus();
  }, [submittedId]);
  // Past purchases and the timeline follow the order's status.
  const submittedStatus = submitted?.status ?? null;
  useEffect(() => {
    if (submittedStatus === null) return;
    useAppStore.getState().ordersChanged();
  }, [submittedId, submittedStatus]);

  // The customer's currency when the store sells in it (what their past orders were paid in), else the workstation's.
  const usualCurrency =
    options && !('error' in options) ? ((options.currencies as readonly string[]).includes(card.currency) ? card.currency : options.defaultCurrency) : undefined;
  const currency = values.currency || usualCurrency;
  const discountParsed = parseDiscount(values.discountKind, values.discountValue);
  const discountReason = values.discountReason.trim();
  const manualDiscount =
    typeof discountParsed === 'number' && discountReason.length > 0 && !findCardNumber(discountReason)
      ? { kind: values.discountKind, value: discountParsed, reason: discountReason }
      : null;
  const code = values.campaignCode.trim();
  const draft: OrderDraftInput | null =
    items.length === 0 || currency === undefined
      ? null
      : {
          customerId,
          currency: currency as SellingCurrency,
          lines: items.map((i) => ({ productId: i.productId, quantity: i.quantity, offerId: i.offerId, source: i.source })),
          campaignCode: code === '' ? null : code,
          deliveryMethod: values.deliveryMethod,
          manualDiscount,
        };
  const draftKey = draft === null ? '' : JSON.stringify(draft);

  useEffect(() => {
    if (draft === null) {
      setQuote(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      void switchboard()
        .orderQuote(draft)
        .then((r) => {
          if (current) setQuote(r.ok ? { key: draftKey, quote: r.value } : { key: draftKey, error: r.error.message });
        });
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
    // The key is the draft.
  }, [draftKey]);

  const current = quote && 'quote' in quote ? quote.quote : null;
  const needsApproval = current?.authority.needsApproval === true && manualDiscount !== null;
  useEffect(() => {
    if (!needsApproval) setApprovalOpen(false);
  }, [needsApproval]);
  // Submitting beyond authority opens the approval and puts the caret in its first field.
  const [approvalRequest, setApprovalRequest] = useState(0);
  useEffect(() => {
    if (approvalRequest > 0) approvalRef.current?.querySelector('input')?.focus();
  }, [approvalRequest]);

  useShortcut('orderCode', () => setFocus('campaignCode'));
  useShortcut('orderDiscount', () => setFocus('discountValue'));
  useShortcut('submitOrder', () => void submit(false), submitted === null || !WAITING.has(submitted.status));

  const store = useAppStore.getState;

  /** Checks what the core cannot quote (the discount's reason, the new address, card numbers), marking the fields. */
  function checkLocally(): boolean {
    clearErrors();
    let ok = true;
    const fail = (field: FieldName, message: string) => {
      if (ok) setFocus(field);
      setError(field, { message });
      ok = false;
    };
    if (discountParsed === 'invalid') fail('discountValue', values.discountKind === 'percent' ? 'Discount: a whole percent from 1 to 100.' : 'Discount: an amount such as 12.50.');
    if (typeof discountParsed === 'number' && discountReason === '') fail('discountReason', 'Say why the discount is given.');
    for (const field of ['discountReason', 'note', 'line1', 'line2', 'city', 'region', 'approvalReason'] as const) {
      const guard = cardGuard(values[field]);
      if (guard) fail(field, guard);
    }
    if (values.deliverTo === NEW_ADDRESS && values.deliveryMethod !== 'pickup') {
      if (values.line1.trim() === '') fail('line1', 'Address is required.');
      if (values.city.trim() === '') fail('city', 'City is required.');
      if (!/^[A-Za-z]{2}$/.test(values.country.trim())) fail('country', 'Country: two letters, e.g. GB.');
    }
    return ok;
  }

  async function submit(requestApproval: boolean, withApproval = false) {
    if (busy || cart === null) return;
    setProblem(null);
    if (items.length === 0) {
      setProblem('Add a product first.');
      return;
    }
    if (!checkLocally()) return;
    // The total submitted is the one on screen: a cart changed a moment ago is quoted now, first.
    let priced = current !== null && quote !== null && quote.key === draftKey ? current : null;
    if (priced === null && draft !== null) {
      const r = await switchboard().orderQuote(draft);
      if (!r.ok) {
        setProblem(r.error.message);
        return;
      }
      priced = r.value;
      setQuote({ key: draftKey, quote: r.value });
    }
    if (priced === null) return;
    if (priced.campaign && !priced.campaign.ok) {
      setError('campaignCode', { message: priced.campaign.reason });
      setFocus('campaignCode');
      return;
    }
    const overAuthority = priced.authority.needsApproval && manualDiscount !== null;
    if (overAuthority && !requestApproval && !withApproval) {
      setApprovalOpen(true);
      setApprovalRequest((n) => n + 1);
      return;
    }
    if (withApproval) {
      let missing = false;
      if (values.approverUsername.trim() === '') {
        setError('approverUsername', { message: 'The supervisor’s user name is needed.' });
        missing = true;
      }
      if (values.approverPassword === '') {
        setError('approverPassword', { message: 'The supervisor’s password is needed.' });
        missing = true;
      }
      if (values.approvalReason.trim() === '') {
        setError('approvalReason', { message: 'Say why the discount is approved.' });
        missing = true;
      }
      if (missing) return;
    }
    const newAddress = values.deliverTo === NEW_ADDRESS;
    const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
    const input: OrderSubmitInput = {
      ...(draft as OrderDraftInput),
      orderId: cart.orderId,
      callId,
      lines: (draft as OrderDraftInput).lines,
      heardFrom: values.heardFrom === '' ? null : values.heardFrom,
      delivery:
        newAddress || primary === undefined
          ? {
              address: {
                line1: values.line1.trim(),
                line2: opt(values.line2),
                city: values.city.trim(),
                region: opt(values.region),
                postalCode: opt(values.postalCode),
                country: values.country.trim().toUpperCase(),
              },
            }
          : { addressId: values.deliverTo },
      paymentMethod: values.paymentMethod,
      note: values.note.trim() === '' ? null : values.note.trim(),
      quotedTotalCents: priced.totalCents,
      approval: withApproval ? { username: values.approverUsername.trim(), password: values.approverPassword, reason: values.approvalReason.trim() } : null,
      // Beyond authority without an approval here, the order goes to the supervisors only when asked to.
      requestApproval,
    };
    setBusy(true);
    const r = await switchboard().orderSubmit(input);
    setBusy(false);
    if (!r.ok) {
      const field = formFieldOf(r.error.field);
      if (field) {
        setError(field, { message: r.error.message });
        setFocus(field);
      } else {
        setProblem(r.error.message);
      }
      if (r.error.code === 'conflict' && r.error.field === 'quotedTotalCents') setQuote(null);
      return;
    }
    form.setValue('approverPassword', '');
    setSubmitted(r.value);
  }

  function startNew() {
    store().newCart(customerId);
    setSubmitted(null);
    setProblem(null);
    setQuote(null);
    reset();
    queueMicrotask(() => document.getElementById(`${id}-heading`)?.focus());
  }

  if (options !== null && 'error' in options) {
    return (
      <section className="panel panel--wide order" aria-labelledby={`${id}-heading`}>
        <h3 id={`${id}-heading`} className="panel__title">
          Order
        </h3>
        <p className="notice notice--error" role="alert">
          {options.error}
        </p>
      </section>
    );
  }

  const money = (cents: number) => formatMoney(cents, current?.currency ?? currency ?? 'USD');
  const locked = submitted !== null;
  return (
    <section className="panel panel--wide order" aria-labelledby={`${id}-heading`}>
      <div className="panel__bar">
        <h3 id={`${id}-heading`} className="panel__title" tabIndex={-1}>
          Order
        </h3>
        {callId === null && <span className="muted order__nocall">No call in progress</span>}
        {items.length > 0 && <span className="panel__count">{items.length === 1 ? '1 line' : `${items.length} lines`}</span>}
      </div>

      {submitted !== null && (
        <div className={`notice order__result order__result--${submitted.status}`} role="status" tabIndex={-1} ref={statusRef} aria-label="Order status">
          <p>{orderStatusSentence(submitted)}</p>
          <p className="tabular">
            Total {formatMoney(submitted.totalCents, submitted.currency)}
            {submitted.quotedTotalCents !== null && submitted.quotedTotalCents !== submitted.totalCents && ` (quoted ${formatMoney(submitted.quotedTotalCents, submitted.currency)})`}
          </p>
          <button type="button" className="button" onClick={startNew}>
            Start a new order
          </button>
        </div>
      )}

      {!locked && <ProductSearch currency={currency} onPick={(hit) => store().addToCart(customerId, { productId: hit.productId, name: hit.name, sku: hit.sku, source: 'search', offerId: null })} />}

      {!locked && (
        <p role="status" className="save-status save-status--ok">
          {cartNotice}
        </p>
      )}
      {items.length === 0 && !locked && <p className="muted">The cart is empty: add a product, accept a suggestion or reorder from past purchases.</p>}
      {items.length > 0 && (
        <table className="orders order__lines" aria-label="Order lines">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col" className="num">
                Unit
              </th>
              <th scope="col" className="num">
                Total
              </th>
              {!locked && (
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const priced = current?.lines.find((l) => l.productId === item.productId);
              return (
                <tr key={item.productId}>
                  <td>
                    {item.name} <span className="mono muted">{item.sku}</span>
                    {item.source !== 'search' && <span className="chip order__source">{item.source === 'reorder' ? 'Reorder' : 'Suggestion'}</span>}
                    {priced?.problem && <span className="field__error order__line-problem">{priced.problem}</span>}
                  </td>
                  <td className="num">
                    {locked ? (
                      item.quantity
                    ) : (
                      <input
                        type="number"
                        className="field__input order__qty"
                        min={1}
                        max={ORDER_LIMITS.quantity}
                        value={item.quantity}
                        aria-label={`Quantity of ${item.name}`}
                        onChange={(e) => {
                          const q = Math.trunc(Number(e.target.value));
                          if (Number.isFinite(q) && q >= 1 && q <= ORDER_LIMITS.quantity) store().setQuantity(customerId, item.productId, q);
                        }}
                      />
                    )}
                  </td>
                  <td className="num">{priced ? money(priced.unitPriceCents) : '…'}</td>
                  <td className="num">{priced ? money(priced.grossCents) : '…'}</td>
                  {!locked && (
                    <td>
                      <button type="button" className="button button--small button--quiet" aria-label={`Remove ${item.name}`} onClick={() => store().removeFromCart(customerId, item.productId)}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {/* The order's details once there is something to order: an empty panel stays one line. */}
      {!locked && items.length > 0 && (
        <form
          className="order__form"
          aria-label="Order details"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit(false);
          }}
        >
          <div className="order__row">
            <TextField
              label="Campaign code"
              optional
              registration={register('campaignCode', { onChange: () => clearErrors('campaignCode') })}
              error={errors.campaignCode?.message ?? (current?.campaign && !current.campaign.ok && code !== '' ? current.campaign.reason : undefined)}
              maxLength={ORDER_LIMITS.code}
              hint={current?.campaign?.ok ? `${current.campaign.code}: ${current.campaign.name} (${current.campaign.rule})` : 'Alt+G'}
            />
            {options !== null && options.currencies.length > 1 && (
              <SelectField label="Currency" registration={register('currency')} error={errors.currency?.message}>
                <option value="">{usualCurrency === card.currency ? `${card.currency} (the customer’s)` : `${options.defaultCurrency} (this workstation’s)`}</option>
                {options.currencies
                  .filter((c) => c !== usualCurrency)
                  .map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
              </SelectField>
            )}
          </div>
          <fieldset className="order__group">
            <legend>
              Manual discount (optional) <ShortcutHint id="orderDiscount" />
            </legend>
            <div className="order__row">
              <SelectField label="Discount in" registration={register('discountKind')} error={undefined}>
                <option value="percent">Percent</option>
                <option value="amount">Amount</option>
              </SelectField>
              <TextField label="Discount" optional registration={register('discountValue', { onChange: () => clearErrors('discountValue') })} error={errors.discountValue?.message ?? (discountParsed === 'invalid' ? (values.discountKind === 'percent' ? 'Discount: a whole percent from 1 to 100.' : 'Discount: an amount such as 12.50.') : undefined)} />
              <TextField
                label="Discount reason"
                optional={discountParsed === null}
                registration={register('discountReason', { onChange: () => clearErrors('discountReason') })}
                error={errors.discountReason?.message ?? cardGuard(values.discountReason)}
                maxLength={ORDER_LIMITS.reason}
                length={values.discountReason.length}
              />
            </div>
            {current && (
              <p className={needsApproval ? 'notice notice--warn' : 'field__hint'} role={needsApproval ? 'alert' : undefined}>
                {needsApproval
                  ? current.authority.reason
                  : `Your authority: up to ${current.authority.maxPercent}%${current.authority.maxAmountCents !== null ? ` and ${money(current.authority.maxAmountCents)}` : ''} per order.`}
              </p>
            )}
            {typeof discountParsed === 'number' && discountReason === '' && <p className="field__hint">The discount is applied once its reason is given.</p>}
          </fieldset>

          <fieldset className="order__group">
            <legend>Delivery</legend>
            <div className="order__row">
              <SelectField label="Delivery method" registration={register('deliveryMethod')} error={errors.deliveryMethod?.message}>
                {DELIVERY_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {DELIVERY_LABELS[m]}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Deliver to" registration={register('deliverTo')} error={errors.deliverTo?.message}>
                {card.addresses.map((a) => (
                  <option key={a.id} value={a.id}>
                    {[a.line1, a.city, a.country].join(', ')}
                    {a.isPrimary ? ' (primary)' : ''}
                  </option>
                ))}
                <option value={NEW_ADDRESS}>A new address…</option>
              </SelectField>
            </div>
            {values.deliverTo === NEW_ADDRESS && (
              <div className="order__address">
                <TextField label="Address" registration={register('line1')} error={errors.line1?.message} maxLength={200} length={values.line1.length} />
                <TextField label="Address line 2" optional registration={register('line2')} error={errors.line2?.message} />
                <TextField label="City" registration={register('city')} error={errors.city?.message} />
                <TextField label="Region" optional registration={register('region')} error={errors.region?.message} />
                <TextField label="Postal code" optional registration={register('postalCode')} error={errors.postalCode?.message} />
                <TextField label="Country" registration={register('country')} error={errors.country?.message} maxLength={2} hint="Two letters, e.g. GB" />
                <p className="field__hint">The address is saved to the customer’s profile, with its history.</p>
              </div>
            )}
          </fieldset>

          <div className="order__row">
            <SelectField label="Payment" registration={register('paymentMethod')} error={errors.paymentMethod?.message}>
              {PAYMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {PAYMENT_LABELS[m]}
                </option>
              ))}
            </SelectField>
            <SelectField label="How did they hear of us?" optional registration={register('heardFrom')} error={errors.heardFrom?.message}>
              <option value="">Not asked</option>
              {options !== null &&
                options.sources.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.label}
                  </option>
                ))}
            </SelectField>
          </div>
          <TextAreaField
            label="Order note"
            optional
            rows={2}
            registration={register('note')}
            error={errors.note?.message ?? cardGuard(values.note)}
            maxLength={ORDER_LIMITS.note}
            length={values.note.length}
            hint="No card numbers: payment is by link, card on file, invoice or cash on delivery."
          />

          {current && (
            <dl className="sums order__sums" aria-label="Order total">
              <dt>Subtotal</dt>
              <dd>{money(current.subtotalCents)}</dd>
              {current.campaignDiscountCents > 0 && (
                <>
                  <dt>Campaign discount</dt>
                  <dd>{money(-current.campaignDiscountCents)}</dd>
                </>
              )}
              {current.manualDiscountCents > 0 && (
                <>
                  <dt>Manual discount</dt>
                  <dd>{money(-current.manualDiscountCents)}</dd>
                </>
              )}
              <dt>Tax</dt>
              <dd>{money(current.taxCents)}</dd>
              <dt>Shipping</dt>
              <dd>{money(current.shippingCents)}</dd>
              <dt>Total</dt>
              <dd className="sums__total" aria-live="polite">
                {money(current.totalCents)}
              </dd>
            </dl>
          )}
          {quote && 'error' in quote && (
            <p className="notice notice--error" role="alert">
              {quote.error}
            </p>
          )}

          {approvalOpen && needsApproval && (
            <fieldset className="order__group order__approval" ref={approvalRef}>
              <legend>Supervisor approval</legend>
              <p className="field__hint">A supervisor signs in here to approve (your session stays), or send the order to your team’s supervisors: it waits, not released, until one of them decides.</p>
              <div className="order__row">
                <TextField label="Supervisor user name" registration={register('approverUsername')} error={errors.approverUsername?.message} />
                <div className="field">
                  <label htmlFor={`${id}-approver-password`} className="field__label">
                    Supervisor password
                  </label>
                  <input
                    id={`${id}-approver-password`}
                    type="password"
                    className="field__input"
                    autoComplete="off"
                    aria-invalid={errors.approverPassword ? true : undefined}
                    aria-describedby={errors.approverPassword ? `${id}-approver-password-error` : undefined}
                    {...register('approverPassword')}
                  />
                  {errors.approverPassword && (
                    <p id={`${id}-approver-password-error`} className="field__error">
                      {errors.approverPassword.message}
                    </p>
                  )}
                </div>
              </div>
              <TextField label="Why it is approved" registration={register('approvalReason')} error={errors.approvalReason?.message ?? cardGuard(values.approvalReason)} maxLength={ORDER_LIMITS.reason} />
              <div className="order__actions">
                <button type="button" className="button button--primary" disabled={busy} onClick={() => void submit(false, true)}>
                  Approve and submit
                </button>
                <button type="button" className="button" disabled={busy} onClick={() => void submit(true)}>
                  Send to supervisors
                </button>
              </div>
            </fieldset>
          )}

          {problem !== null && (
            <p className="notice notice--error" role="alert">
              {problem}
            </p>
          )}
          <div className="order__actions">
            <button type="submit" className="button button--primary" disabled={busy} {...shortcutProps('submitOrder')}>
              {busy ? 'Submitting…' : 'Submit order'}
            </button>
            <ShortcutHint id="submitOrder" />
          </div>
        </form>
      )}
    </section>
  );
}
