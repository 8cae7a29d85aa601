import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import {
  COMPLAINT_LIMITS,
  COMPLAINT_SEVERITIES,
  calendarDate,
  complaintLogInput,
  type ComplaintDetail,
  type ComplaintSeverity,
} from '../../../../../src-shared/contracts/complaints';
import type { PurchaseOrder } from '../../../../../src-shared/contracts/customer360';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatDate } from '../../lookup/format';
import { SelectField, TextAreaField, TextField } from '../../../ui/fields';
import { useConfigLists } from '../../call/hooks/useConfigLists';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';
import { OrderHistoryArriving } from '../../sync/components/OrderHistoryArriving';

export const SEVERITY_LABELS: Record<ComplaintSeverity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** The contract's fields; the order or line is one choice ("order:<id>" or "line:<orderId>:<lineId>"). */
const complaintForm = z.object({
  category: complaintLogInput.shape.category,
  severity: complaintLogInput.shape.severity,
  about: z.string(),
  description: complaintLogInput.shape.description,
  desiredResolution: complaintLogInput.shape.desiredResolution,
  followUpOn: z.union([z.literal(''), calendarDate]),
});
type FormInput = z.input<typeof complaintForm>;
type FormOutput = z.output<typeof complaintForm>;

/** The customer's latest orders for the picker; asked again once order history has arrived (`historyReady`). */
function useRecentOrders(customerId: string, historyReady: boolean): PurchaseOrder[] | { error: string } | null {
  const [orders, setOrders] = useState<PurchaseOrder[] | { error: string } | null>(null);
  useEffect(() => {
    let current = true;
    void switchboard()
      .customerPurchases({ customerId, limit: 100 })
      .then((r) => {
        if (current) setOrders(r.ok ? r.value.orders : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [customerId, historyReady]);
  return orders;
}

function aboutToIds(about: string): { orderId?: string; orderLineId?: string } {
  const [kind, orderId, lineId] = about.split(':');
  if (kind === 'order' && orderId) return { orderId };
  if (kind === 'line' && orderId && lineId) return { orderId, orderLineId: lineId };
  return {};
}

/** Logs a complaint; "Saved" shows only once the core has stored it. Keyboard-only: Tab through, Enter saves. */
export function ComplaintForm({ customerId, onSaved, onCancel }: { customerId: string; onSaved(c: ComplaintDetail): void; onCancel(): void }) {
  const callId = useAppStore((s) => s.call?.id);
  const lists = useConfigLists();
  const historyReady = useOrderHistoryReady();
  const orders = useRecentOrders(customerId, historyReady);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    watch,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(complaintForm),
    defaultValues: { category: '', severity: 'medium', about: '', description: '', desiredResolution: '', followUpOn: '' },
  });
  const description = watch('description');
  const desired = watch('desiredResolution') ?? '';

  const onSubmit = handleSubmit(async (form) => {
    setFormError(null);
    const result = await switchboard().complaintLog({
      customerId,
      ...(callId ? { callId } : {}),
      category: form.category,
      severity: form.severity,
      ...aboutToIds(form.about),
      description: form.description,
      ...(form.desiredResolution ? { desiredResolution: form.desiredResolution } : {}),
      ...(form.followUpOn ? { followUpOn: form.followUpOn } : {}),
    });
    if (!result.ok) {
      const field = result.error.field;
      if (field === 'category' || field === 'severity' || field === 'description' || field === 'desiredResolution' || field === 'followUpOn') {
        setError(field, { type: 'server', message: result.error.message }, { shouldFocus: true });
      } else if (field === 'orderId' || field === 'orderLineId') {
        setError('about', { type: 'server', message: result.error.message }, { shouldFocus: true });
      } else setFormError(result.error.message);
      return;
    }
    onSaved(result.value);
  });

  return (
    <section className="panel panel--form" aria-labelledby="complaint-form-heading">
      <h3 id="complaint-form-heading" className="panel__title">
        Log complaint
      </h3>
      <form
        className="form form--wide"
        noValidate
        aria-labelledby="complaint-form-heading"
        onSubmit={(event) => void onSubmit(event)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onCancel();
          } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void onSubmit();
          }
        }}
      >
        <div className="form__grid form__grid--3">
          <SelectField label="Category" registration={register('category')} error={errors.category?.message} autoFocus>
            <option value="">{lists.status === 'loading' ? 'Loading…' : 'Choose…'}</option>
            {lists.status === 'loaded' &&
              lists.lists.complaintCategories.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
          </SelectField>
          <SelectField label="Severity" registration={register('severity')} error={errors.severity?.message}>
            {COMPLAINT_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Order or item" optional registration={register('about')} error={errors.about?.message}>
            <option value="">{orders === null ? 'Loading orders…' : 'Not about an order'}</option>
            {orders !== null &&
              !('error' in orders) &&
              orders.map((o) => (
                <optgroup key={o.id} label={`${o.number} · ${formatDate(o.placedAt)}`}>
                  <option value={`order:${o.id}`}>{o.number} — whole order</option>
                  {o.lines.map((l) => (
                    <option key={l.id} value={`line:${o.id}:${l.id}`}>
                      {o.number} · {l.sku} {l.name} ×{l.quantity}
                    </option>
                  ))}
                </optgroup>
              ))}
          </SelectField>
        </div>
        <TextAreaField
          label="Description"
          rows={4}
          registration={register('description')}
          error={errors.description?.message}
          maxLength={COMPLAINT_LIMITS.description}
          length={description.length}
        />
        <div className="form__grid form__grid--wide-narrow">
          <TextAreaField
            label="Desired resolution"
            optional
            rows={2}
            registration={register('desiredResolution')}
            error={errors.desiredResolution?.message}
            maxLength={COMPLAINT_LIMITS.desiredResolution}
            length={desired.length}
          />
          <TextField label="Follow up on" type="date" optional registration={register('followUpOn')} error={errors.followUpOn?.message} />
        </div>
        {!historyReady && <OrderHistoryArriving />}
        {orders !== null && 'error' in orders && <p className="field__error">{orders.error}</p>}
        {lists.status === 'failed' && <p className="field__error">{lists.error.message}</p>}
        {formError && (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {isSubmitting ? 'Saving…' : 'Save complaint'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <span className="form__hint">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels
          </span>
        </div>
      </form>
    </section>
  );
}
