/**
 * Audience segments (issue 22), for supervisors and admins: the filters, a live size-and-value
 * line that follows them (asked of the central store, debounced), saving with a name, the saved
 * segments with their counts, and exporting one for a channel. Everything is from the store: a
 * workstation's cache may hold only some customers, so offline the screen says it cannot answer.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useForm, useWatch, type Control } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { segmentName, type SavedSegment } from '../../../../../src-shared/contracts/segments';
import { LOYALTY_TIERS, ORDER_CHANNELS } from '../../../../../src-shared/domain/customer';
import { EXPORT_CHANNELS, SEGMENT_LIMITS, type ExportChannel, type SegmentSize } from '../../../../../src-shared/domain/segment';
import { switchboard } from '../../../api/client';
import { useSessionStore } from '../../auth/store';
import { SaveStatus, SelectField, TextField, type SaveState } from '../../../ui/fields';
import { countFormat, tierLabel } from '../../lookup/format';
import { EMPTY_FILTERS, definitionFrom, segmentFilterForm, sizeSentence, type SegmentFilterForm } from '../forms';

/** How long the filters must rest before the size is asked again. */
const PREVIEW_DEBOUNCE_MS = 350;

const CHANNEL_LABELS: Record<ExportChannel, string> = { email: 'E-mail', phone: 'Phone', sms: 'SMS' };
const ORDER_CHANNEL_LABELS: Record<(typeof ORDER_CHANNELS)[number], string> = { web: 'Web', phone: 'Phone', store: 'Store' };

type Preview = { kind: 'idle' } | { kind: 'asking' } | { kind: 'size'; size: SegmentSize } | { kind: 'invalid'; message: string } | { kind: 'failed'; message: string };

function useLivePreview(control: Control<SegmentFilterForm>): Preview {
  const values = useWatch({ control }) as SegmentFilterForm;
  const [preview, setPreview] = useState<Preview>({ kind: 'idle' });
  const asked = useRef(0);
  const key = JSON.stringify(values);
  useEffect(() => {
    const built = definitionFrom({ ...EMPTY_FILTERS, ...(JSON.parse(key) as SegmentFilterForm) });
    if (!built.ok) {
      setPreview({ kind: 'invalid', message: built.message });
      return;
    }
    const n = ++asked.current;
    setPreview((p) => (p.kind === 'size' ? p : { kind: 'asking' }));
    const timer = window.setTimeout(() => {
      void switchboard()
        .segmentPreview({ definition: built.definition })
        .then((r) => {
          if (n !== asked.current) return; // a later change asked again
          setPreview(r.ok ? { kind: 'size', size: r.value } : { kind: 'failed', message: r.error.message });
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [key]);
  return preview;
}

function PreviewLine({ preview }: { preview: Preview }) {
  let text = '';
  if (preview.kind === 'asking') text = 'Counting…';
  if (preview.kind === 'size') text = sizeSentence(preview.size);
  if (preview.kind === 'invalid') text = `Not counted: ${preview.message}`;
  if (preview.kind === 'failed') text = `Segments need the central store, which did not answer: ${preview.message}`;
  return (
    <p role="status" aria-label="Segment size" className={preview.kind === 'failed' ? 'notice notice--error' : 'segments__size'}>
      {text}
    </p>
  );
}

function CheckboxGroup<V extends string>({ legend, name, values, labels, register }: { legend: string; name: 'tiers' | 'channels'; values: readonly V[]; labels: (v: V) => string; register: ReturnType<typeof useForm<SegmentFilterForm>>['register'] }) {
  return (
    <fieldset className="field segments__choices">
      <legend className="field__label">{legend}</legend>
      {values.map((v) => (
        <label key={v} className="segments__choice">
          <input type="checkbox" value={v} {...register(name)} /> {labels(v)}
        </label>
      ))}
    </fieldset>
  );
}

const saveForm = z.object({ name: segmentName });

function SaveSegment({ filters, onSaved }: { filters: () => SegmentFilterForm; onSaved(s: SavedSegment): void }) {
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const {
    register,
    handleSubmit,
    reset,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof saveForm>, unknown, z.output<typeof saveForm>>({ resolver: zodResolver(saveForm), defaultValues: { name: '' } });
  const submit = handleSubmit(async ({ name }) => {
    setSave({ kind: 'idle' });
    const built = definitionFrom(filters());
    if (!built.ok) {
      setSave({ kind: 'error', message: `Fix the filters first: ${built.message}` });
      return;
    }
    const r = await switchboard().segmentSave({ name, definition: built.definition });
    if (!r.ok) {
      if (r.error.field === 'name') setError('name', { type: 'server', message: r.error.message }, { shouldFocus: true });
      else setSave({ kind: 'error', message: r.error.message });
      return;
    }
    reset();
    setSave({ kind: 'saved', text: `Saved “${r.value.name}”: ${countFormat.format(r.value.size.size)} customers.` });
    onSaved(r.value);
  });
  return (
    <form className="form segments__save" aria-label="Save segment" noValidate onSubmit={(e) => void submit(e)}>
      <TextField label="Segment name" registration={register('name')} error={errors.name?.message} maxLength={SEGMENT_LIMITS.name} length={watch('name').length} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Save segment
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}

function SavedRow({ segment, onDeleted }: { segment: SavedSegment; onDeleted(): void }) {
  const [channel, setChannel] = useState<ExportChannel>('email');
  const [result, setResult] = useState<SaveState>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const channelId = `segment-channel-${segment.id}`;
  // Only the supervisor who saved it, or an admin, may delete it (the store checks again).
  const mayDelete = useSessionStore((s) => {
    const user = s.session?.state === 'signed_in' ? s.session.user : null;
    return user !== null && (user.role === 'admin' || user.username === segment.createdBy);
  });
  const exportIt = async () => {
    setBusy(true);
    setResult({ kind: 'idle' });
    const r = await switchboard().segmentExport({ id: segment.id, channel });
    setBusy(false);
    if (!r.ok) {
      setResult({ kind: 'error', message: r.error.message });
      return;
    }
    const { rows, leftOut, noContact, path } = r.value;
    const none = channel === 'email' ? 'without an e-mail address' : channel === 'sms' ? 'without a mobile number' : 'without a phone number';
    setResult({
      kind: 'saved',
      text: `${countFormat.format(rows)} exported, ${countFormat.format(leftOut)} left out for no consent${noContact > 0 ? `, ${countFormat.format(noContact)} ${none}` : ''}. Saved as ${path}.`,
    });
  };
  const remove = async () => {
    const r = await switchboard().segmentDelete({ id: segment.id });
    if (!r.ok) setResult({ kind: 'error', message: r.error.message });
    else onDeleted();
  };
  return (
    <li className="segments__saved">
      <p>
        <strong>{segment.name}</strong> — {sizeSentence(segment.size)} <span className="muted">Saved by {segment.createdBy}.</span>
      </p>
      <div className="form__actions">
        <label htmlFor={channelId} className="field__label">
          Channel for {segment.name}
        </label>
        <select id={channelId} className="field__input" value={channel} onChange={(e) => setChannel(e.target.value as ExportChannel)}>
          {EXPORT_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABELS[c]}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={busy} onClick={() => void exportIt()}>
          Export {segment.name}
        </button>
        {mayDelete && (
          <button type="button" className="button button--quiet" onClick={() => void remove()}>
            Delete {segment.name}
          </button>
        )}
        <SaveStatus state={result} />
      </div>
    </li>
  );
}

function useSavedSegments(): { segments: SavedSegment[] | null; error: string | null; reload(): void } {
  const [segments, setSegments] = useState<SavedSegment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    void switchboard()
      .segmentList({})
      .then((r) => {
        if (!current) return;
        if (r.ok) {
          setSegments(r.value.segments);
          setError(null);
        } else setError(r.error.message);
      });
    return () => {
      current = false;
    };
  }, [tick]);
  return { segments, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

export function SegmentsScreen() {
  const {
    register,
    control,
    getValues,
    reset,
    formState: { errors },
  } = useForm<SegmentFilterForm>({ resolver: zodResolver(segmentFilterForm), defaultValues: EMPTY_FILTERS });
  const preview = useLivePreview(control);
  const saved = useSavedSegments();
  return (
    <section className="segments" aria-labelledby="segments-title">
      <h2 id="segments-title">Audience segments</h2>
      <p className="muted">
        Customers matching every filter given, from the central store. Lifetime value is in each customer’s own currency: the totals of their placed, paid, shipped and delivered orders.
      </p>
      <form className="form segments__filters" aria-label="Segment filters" noValidate onSubmit={(e) => e.preventDefault()}>
        <fieldset className="field">
          <legend className="field__label">Bought</legend>
          <TextField label="SKUs (comma-separated)" registration={register('skus')} error={errors.skus?.message} optional />
          <TextField label="Categories (comma-separated)" registration={register('categories')} error={undefined} optional />
          <TextField label="Bought from" type="date" registration={register('from')} error={errors.from?.message} optional />
          <TextField label="Bought until" type="date" registration={register('to')} error={errors.to?.message} optional />
        </fieldset>
        <CheckboxGroup legend="Loyalty tier" name="tiers" values={LOYALTY_TIERS} labels={tierLabel} register={register} />
        <TextField label="Lifetime value at least" registration={register('valueAtLeast')} error={errors.valueAtLeast?.message} optional />
        <TextField label="Lifetime value at most" registration={register('valueAtMost')} error={errors.valueAtMost?.message} optional />
        <SelectField label="Orders" registration={register('buyer')} error={undefined} optional>
          <option value="">Any</option>
          <option value="repeat">Repeat buyers (2 or more orders)</option>
          <option value="one_time">One-time buyers (exactly 1 order)</option>
        </SelectField>
        <SelectField label="Complaints" registration={register('complaints')} error={undefined} optional>
          <option value="">Any</option>
          <option value="any">Has complained</option>
          <option value="none">Never complained</option>
          <option value="open">Has an open complaint</option>
        </SelectField>
        <CheckboxGroup legend="Acquisition channel (first order)" name="channels" values={ORDER_CHANNELS} labels={(c) => ORDER_CHANNEL_LABELS[c]} register={register} />
        <TextField label="Campaign code used" registration={register('campaign')} error={errors.campaign?.message} optional />
        <SelectField label="Marketing consent" registration={register('consent')} error={undefined} optional>
          <option value="">Any</option>
          <option value="given">Given</option>
          <option value="not_given">Not given</option>
        </SelectField>
        <div className="form__actions">
          <button type="button" className="button button--quiet" onClick={() => reset(EMPTY_FILTERS)}>
            Clear filters
          </button>
        </div>
      </form>
      <PreviewLine preview={preview} />
      <SaveSegment filters={() => getValues()} onSaved={saved.reload} />
      <h3>Saved segments</h3>
      <p className="muted">Exports leave out customers without marketing consent for the channel (e-mail, phone or SMS, each the customer’s own choice) and say how many.</p>
      {saved.error !== null && (
        <p className="notice notice--error" role="alert">
          {saved.error}
        </p>
      )}
      {saved.segments !== null && saved.segments.length === 0 && <p>No saved segment yet.</p>}
      {saved.segments !== null && saved.segments.length > 0 && (
        <ul className="segments__list" aria-label="Saved segments">
          {saved.segments.map((s) => (
            <SavedRow key={s.id} segment={s} onDeleted={saved.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
