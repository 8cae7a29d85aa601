/**
 * Form fields shared by every form: a visible label, the limit stated and counted, the field's
 * error next to it (linked with aria-describedby), and nothing but text for what the user typed.
 */
import { useId, type ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

interface BaseProps {
  label: string;
  registration: UseFormRegisterReturn;
  error: string | undefined;
  optional?: boolean;
  /** The contract's limit; stated and counted under the field. */
  maxLength?: number;
  /** Current length of the value, for the counter. */
  length?: number;
  hint?: ReactNode;
  className?: string;
}

function Counter({ id, length, maxLength }: { id: string; length: number; maxLength: number }) {
  const over = length > maxLength;
  return (
    <span id={id} className={over ? 'field__count field__count--over' : 'field__count'}>
      {length} / {maxLength} characters
    </span>
  );
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string');
  return list.length > 0 ? list.join(' ') : undefined;
}

function Label({ id, label, optional, counter }: { id: string; label: string; optional?: boolean; counter?: ReactNode }) {
  return (
    <div className="field__head">
      <label htmlFor={id} className="field__label">
        {label}
        {optional && <span className="field__optional"> (optional)</span>}
      </label>
      {counter}
    </div>
  );
}

export function TextField({
  label,
  registration,
  error,
  optional,
  maxLength,
  length,
  hint,
  className,
  type = 'text',
  autoFocus,
}: BaseProps & { type?: 'text' | 'tel' | 'email' | 'date' | 'number'; autoFocus?: boolean }) {
  const id = useId();
  const errorId = `${id}-error`;
  const countId = `${id}-count`;
  const hintId = `${id}-hint`;
  const counted = maxLength !== undefined && length !== undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <Label id={id} label={label} optional={optional} counter={counted ? <Counter id={countId} length={length} maxLength={maxLength} /> : undefined} />
      <input
        id={id}
        type={type}
        className="field__input"
        autoComplete="off"
        // The contract's limit plus one: typing past it shows the schema's message.
        maxLength={maxLength !== undefined ? maxLength + 1 : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(error && errorId, counted && countId, hint !== undefined && hintId)}
        aria-required={optional ? undefined : true}
        autoFocus={autoFocus}
        {...registration}
      />
      <FieldMessages hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

/** The hint and the error under a field, with the ids its input's aria-describedby names. */
function FieldMessages({ hint, hintId, error, errorId }: { hint?: ReactNode; hintId: string; error?: string | undefined; errorId: string }) {
  return (
    <>
      {hint !== undefined && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </>
  );
}

export function TextAreaField({ label, registration, error, optional, maxLength, length, hint, className, rows = 3 }: BaseProps & { rows?: number }) {
  const id = useId();
  const errorId = `${id}-error`;
  const countId = `${id}-count`;
  const hintId = `${id}-hint`;
  const counted = maxLength !== undefined && length !== undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <Label id={id} label={label} optional={optional} counter={counted ? <Counter id={countId} length={length} maxLength={maxLength} /> : undefined} />
      <textarea
        id={id}
        rows={rows}
        className="field__input field__input--area"
        maxLength={maxLength !== undefined ? maxLength + 1 : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(error && errorId, counted && countId, hint !== undefined && hintId)}
        aria-required={optional ? undefined : true}
        {...registration}
      />
      <FieldMessages hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

export function SelectField({
  label,
  registration,
  error,
  optional,
  className,
  children,
  autoFocus,
}: Omit<BaseProps, 'maxLength' | 'length' | 'hint'> & { children: ReactNode; autoFocus?: boolean }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={`field ${className ?? ''}`}>
      <Label id={id} label={label} optional={optional} />
      <select
        id={id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-required={optional ? undefined : true}
        autoFocus={autoFocus}
        {...registration}
      >
        {children}
      </select>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

/** "Saved" (or an error) after the core answered: announced politely, never before the answer. */
export function SaveStatus({ state }: { state: { kind: 'idle' } | { kind: 'saved'; text?: string } | { kind: 'error'; message: string } }) {
  if (state.kind === 'idle') return <span role="status" className="save-status" />;
  if (state.kind === 'saved')
    return (
      <span role="status" className="save-status save-status--ok">
        {state.text ?? 'Saved'}
      </span>
    );
  return (
    <span role="alert" className="save-status save-status--error">
      {state.message}
    </span>
  );
}

export type SaveState = { kind: 'idle' } | { kind: 'saved'; text?: string } | { kind: 'error'; message: string };
