import { useEffect, useId, useMemo, useState } from 'react';
import type { PurchaseOrder, PurchasePeriod } from '../../../../../src-shared/contracts/customer360';
import { PURCHASE_TEXT_MAX } from '../../../../../src-shared/contracts/customer360';
import { categoryName } from '../../../../../src-shared/domain/category';
import { switchboard } from '../../../api/client';
import { countFormat, formatDate, formatMoney } from '../../lookup/format';
import { CHANNEL_LABELS, STATUS_LABELS } from '../../customer/components/ProfilePanels';
import { usePurchases, type PurchasesFilter } from '../hooks';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';
import { ORDER_VALUE_DEFINITIONS } from '../../../../../src-shared/domain/order-value';
import { Definition } from '../../../ui/Definition';
import { OrderHistoryArriving } from '../../sync/components/OrderHistoryArriving';
import { useAppStore } from '../../../app/store';
import { useCan } from '../../auth/store';

/** Puts lines of a past order into this customer's cart ("reorder"), at the quantities bought. */
function reorder(customerId: string, lines: readonly { productId: string; name: string; sku: string; quantity: number }[]): void {
  const add = useAppStore.getState().addToCart;
  for (const l of lines) add(customerId, { productId: l.productId, name: l.name, sku: l.sku, quantity: l.quantity, source: 'reorder', offerId: null });
}

type PeriodKind = 'all' | PurchasePeriod['kind'];

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function OrderDetail({ orderId, customerId, onClose }: { orderId: string; customerId: string; onClose(): void }) {
  const canOrder = useCan('order.take');
  const [order, setOrder] = useState<PurchaseOrder | { error: string } | null>(null);
  useEffect(() => {
    let current = true;
    void switchboard()
      .orderGet({ orderId })
      .then((r) => {
        if (current) setOrder(r.ok ? r.value : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [orderId]);
  if (order === null) return <p className="muted">Loading order…</p>;
  if ('error' in order)
    return (
      <p className="notice notice--error" role="alert">
        {order.error}
      </p>
    );
  const money = (c: number) => formatMoney(c, order.currency);
  return (
    <section className="detail" aria-labelledby="order-detail-heading">
      <div className="panel__bar">
        <h4 id="order-detail-heading" className="detail__title">
          Order <span className="mono">{order.number}</span>
        </h4>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Close order
        </button>
      </div>
      <p className="detail__meta">
        {formatDate(order.placedAt)} · {CHANNEL_LABELS[order.channel]} · {STATUS_LABELS[order.status]}
        {order.attentionReason && ` (${order.attentionReason})`}
        {order.campaignCode && (
          <>
            {' '}
            · campaign <span className="mono">{order.campaignCode}</span>
          </>
        )}
      </p>
      <table className="orders">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">SKU</th>
            <th scope="col">Product</th>
            <th scope="col">Category</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col" className="num">
              Unit
            </th>
            <th scope="col" className="num">
              Total
            </th>
            {canOrder && (
              <th scope="col">
                <span className="sr-only">Reorder</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.id}>
              <td>{l.lineNo}</td>
              <td className="mono">{l.sku}</td>
              <td>{l.name}</td>
              <td>{l.category === null ? '—' : categoryName(l.category)}</td>
              <td className="num">{l.quantity}</td>
              <td className="num">{money(l.unitPriceCents)}</td>
              <td className="num">{money(l.totalCents)}</td>
              {canOrder && (
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Reorder ${l.name}`}
                    onClick={() => reorder(customerId, [l])}
                  >
                    Reorder
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="sums">
        <dt>Subtotal</dt>
        <dd>{money(order.subtotalCents)}</dd>
        <dt>Discount</dt>
        <dd>{money(-order.discountCents)}</dd>
        <dt>Tax</dt>
        <dd>{money(order.taxCents)}</dd>
        <dt>Shipping</dt>
        <dd>{money(order.shippingCents)}</dd>
        <dt>Total</dt>
        <dd className="sums__total">{money(order.totalCents)}</dd>
      </dl>
    </section>
  );
}

/** The customer's past purchases: filter by period, product, category and text; totals for the filter. */
export function PastPurchases({ customerId }: { customerId: string }) {
  const id = useId();
  const canOrder = useCan('order.take');
  const [periodKind, setPeriodKind] = useState<PeriodKind>('all');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [sku, setSku] = useState('');
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [openOrder, setOpenOrder] = useState<string | null>(null);

  const typed = useDebounced({ sku: sku.trim(), category: category.trim(), text: text.trim(), year, from, to }, 250);
  const { filter, filterError } = useMemo((): { filter: PurchasesFilter; filterError: string | null } => {
    const f: PurchasesFilter = {};
    let error: string | null = null;
    if (periodKind === 'last_12_months') f.period = { kind: 'last_12_months' };
    else if (periodKind === 'year') {
      const y = Number(typed.year);
      if (Number.isInteger(y) && y >= 1970 && y <= 9999) f.period = { kind: 'year', year: y };
      else error = 'Year: four digits, e.g. 2025.';
    } else if (periodKind === 'range') {
      if (typed.from && typed.to) {
        if (typed.from <= typed.to) f.period = { kind: 'range', from: typed.from, to: typed.to };
        else error = 'The period ends before it starts.';
      } else error = 'Choose both days of the range.';
    }
    if (typed.sku) f.sku = typed.sku;
    if (typed.category) f.category = typed.category;
    if (typed.text) f.text = typed.text;
    return { filter: f, filterError: error };
  }, [periodKind, typed]);
  const key = JSON.stringify(filter);
  const purchases = usePurchases(customerId, filter, key);
  const historyReady = useOrderHistoryReady();

  return (
    <div className="purchases">
      <form className="filters" role="search" aria-label="Filter past purchases" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-period`}>
            Period
          </label>
          <select id={`${id}-period`} className="field__input" value={periodKind} onChange={(e) => setPeriodKind(e.target.value as PeriodKind)}>
            <option value="all">All time</option>
            <option value="last_12_months">Last 12 months</option>
            <option value="year">A year</option>
            <option value="range">Custom range</option>
          </select>
        </div>
        {periodKind === 'year' && (
          <div className="field field--narrow">
            <label className="field__label" htmlFor={`${id}-year`}>
              Year
            </label>
            <input id={`${id}-year`} className="field__input" inputMode="numeric" maxLength={4} value={year} onChange={(e) => setYear(e.target.value)} />
          </div>
        )}
        {periodKind === 'range' && (
          <>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-from`}>
                From
              </label>
              <input id={`${id}-from`} type="date" className="field__input" value={from} onChange={(e) => setFrom(e.target.value)} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-to`}>
                To
              </label>
              <input id={`${id}-to`} type="date" className="field__input" value={to} onChange={(e) => setTo(e.target.value)} />
            </div>
          </>
        )}
        <div className="field">
          <label className="field__label" htmlFor={`${id}-sku`}>
            Product SKU
          </label>
          <input id={`${id}-sku`} className="field__input" maxLength={64} value={sku} onChange={(e) => setSku(e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-category`}>
            Category
          </label>
          <input id={`${id}-category`} className="field__input" maxLength={100} value={category} onChange={(e) => setCategory(e.target.value)} />
        </div>
        <div className="field field--grow">
          <label className="field__label" htmlFor={`${id}-text`}>
            Search orders
          </label>
          <input
            id={`${id}-text`}
            className="field__input"
            placeholder="Order number, SKU or product"
            maxLength={PURCHASE_TEXT_MAX}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
      </form>
      {filterError && (
        <p className="field__error" role="alert">
          {filterError}
        </p>
      )}
      <div className="purchases__totals-row">
        <p className="purchases__totals" role="status" aria-live="polite">
          {purchases.status === 'loading' && 'Loading purchases…'}
          {purchases.status === 'loaded' && purchases.totals && (historyReady || purchases.totals.orderCount > 0) && (
            <>
              {countFormat.format(purchases.totals.orderCount)} {purchases.totals.orderCount === 1 ? 'order' : 'orders'}
              {purchases.totals.byCurrency.map((c) => (
                <span key={c.currency} className="purchases__total">
                  {formatMoney(c.totalCents, c.currency)}
                </span>
              ))}
              {purchases.totals.countedOrderCount < purchases.totals.orderCount && (
                <span className="purchases__total muted">
                  ({countFormat.format(purchases.totals.orderCount - purchases.totals.countedOrderCount)} cancelled or returned, not counted)
                </span>
              )}
            </>
          )}
        </p>
        <Definition term="the purchases total" text={ORDER_VALUE_DEFINITIONS.purchasesTotal} />
      </div>
      {purchases.error && (
        <p className="notice notice--error" role="alert">
          {purchases.error}
        </p>
      )}
      {!historyReady && <OrderHistoryArriving />}
      {historyReady && purchases.status !== 'failed' && purchases.orders.length === 0 && purchases.status === 'loaded' && <p className="muted">No orders match.</p>}
      {purchases.orders.length > 0 && (
        <table className="orders purchases__table" aria-label="Past purchases">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col">Campaign</th>
              <th scope="col">Items</th>
              <th scope="col" className="num">
                Total
              </th>
              {canOrder && (
                <th scope="col">
                  <span className="sr-only">Reorder</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {purchases.orders.map((order) => (
              <tr key={order.id} aria-current={openOrder === order.id ? 'true' : undefined}>
                <td>
                  <button type="button" className="linklike mono" onClick={() => setOpenOrder(order.id)} aria-label={`Order ${order.number} details`}>
                    {order.number}
                  </button>
                </td>
                <td className="nowrap">{formatDate(order.placedAt)}</td>
                <td>{CHANNEL_LABELS[order.channel]}</td>
                <td>
                  <span className={`status status--${order.status}`}>{STATUS_LABELS[order.status]}</span>
                  {order.attentionReason && <span className="purchases__attention">{order.attentionReason}</span>}
                </td>
                <td className="mono">{order.campaignCode ?? '—'}</td>
                <td className="purchases__items">
                  {order.lines.map((l) => (
                    <span key={l.id} className={l.matchesFilter ? 'item item--match' : 'item'}>
                      {l.quantity} × {l.name}
                    </span>
                  ))}
                </td>
                <td className="num">{formatMoney(order.totalCents, order.currency)}</td>
                {canOrder && (
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Reorder order ${order.number}`}
                      onClick={() => reorder(customerId, order.lines)}
                    >
                      Reorder
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {purchases.nextCursor !== null && (
        <button type="button" className="button" disabled={purchases.loadingMore} onClick={purchases.loadMore}>
          {purchases.loadingMore ? 'Loading…' : 'Show more orders'}
        </button>
      )}
      {openOrder !== null && <OrderDetail key={openOrder} orderId={openOrder} customerId={customerId} onClose={() => setOpenOrder(null)} />}
    </div>
  );
}
