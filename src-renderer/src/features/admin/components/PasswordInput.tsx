import { useId } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

/** A new password: labelled, its hint and error linked with aria-describedby, never filled by the browser. */
export function PasswordInput({ label, registration, error, hint }: { label: string; registration: UseFormRegisterReturn; error: string | undefined; hint?: string }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter((x): x is string => x !== null).join(' ');
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type="password"
        className="field__input"
        autoComplete="new-password"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required
        {...registration}
      />
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
