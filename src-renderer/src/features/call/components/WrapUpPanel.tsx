import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { CALL_LIMITS, callWrapUpInput, type CallState } from '../../../../../src-shared/contracts/calls';
import { SelectField, TextAreaField } from '../../../ui/fields';
import { useConfigLists } from '../hooks/useConfigLists';
import { wrapUpCall } from '../actions';
import { useShortcut } from '../../../app/useShortcut';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

type FormInput = z.input<typeof callWrapUpInput>;
type FormOutput = z.output<typeof callWrapUpInput>;

/** The answers a caller can give when asked how satisfied they are (issue 22), best first. */
const SATISFACTION_CHOICES = [
  { value: 5, label: '5 – Very satisfied' },
  { value: 4, label: '4 – Satisfied' },
  { value: 3, label: '3 – Neither' },
  { value: 2, label: '2 – Unsatisfied' },
  { value: 1, label: '1 – Very unsatisfied' },
] as const;

/**
 * After the conversation: a wrap-up code from the configured list, the caller's satisfaction answer
 * when they gave one (optional; 1 or 2 lists the call for the team's supervisors) and notes, then
 * the call is complete.
 */
export function WrapUpPanel({ call }: { call: CallState }) {
  const lists = useConfigLists();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    watch,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(callWrapUpInput),
    defaultValues: { callId: call.id, dispositionCode: '', notes: '' },
  });
  const notes = watch('notes') ?? '';

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await wrapUpCall(values);
    if (!result.ok) {
      if (result.error.field === 'dispositionCode' || result.error.field === 'notes' || result.error.field === 'satisfaction') {
        setError(result.error.field, { type: 'server', message: result.error.message }, { shouldFocus: true });
      } else setFormError(result.error.message);
    }
  });

  useShortcut('completeCall', () => void onSubmit(), !isSubmitting);

  return (
    <section className="wrapup" aria-labelledby="wrapup-heading">
      <h2 id="wrapup-heading" className="sr-only">
        Wrap-up
      </h2>
      <form className="wrapup__form" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="wrapup-heading">
        <SelectField label="Wrap-up code" registration={register('dispositionCode')} error={errors.dispositionCode?.message} autoFocus>
          <option value="">{lists.status === 'loading' ? 'Loading…' : 'Choose…'}</option>
          {lists.status === 'loaded' &&
            lists.lists.dispositions.map((d) => (
              <option key={d.code} value={d.code}>
                {d.label}
              </option>
            ))}
        </SelectField>
        <SelectField
          label="Caller's satisfaction"
          optional
          registration={register('satisfaction', { setValueAs: (v: unknown) => (v === '' || v === undefined || v === null ? undefined : Number(v)) })}
          error={errors.satisfaction?.message}
        >
          <option value="">Not given</option>
          {SATISFACTION_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label="Wrap-up notes"
          optional
          rows={2}
          registration={register('notes')}
          error={errors.notes?.message}
          maxLength={CALL_LIMITS.wrapUpNotes}
          length={notes.length}
          className="wrapup__notes"
        />
        <div className="wrapup__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting} {...shortcutProps('completeCall')}>
            {isSubmitting ? 'Saving…' : 'Complete call'} <ShortcutHint id="completeCall" />
          </button>
        </div>
      </form>
      {lists.status === 'failed' && (
        <p className="notice notice--error" role="alert">
          {lists.error.message}
        </p>
      )}
      {formError && (
        <p className="notice notice--error" role="alert">
          {formError}
        </p>
      )}
    </section>
  );
}
