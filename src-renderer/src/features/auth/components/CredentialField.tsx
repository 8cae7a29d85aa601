import { useId } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

/**
 * A labelled field for the sign-in, unlock and password forms: its error under it, linked with
 * aria-describedby. `autoComplete` tells a password manager which is which.
 */
export function CredentialField({
  label,
  registration,
  error,
  type = 'text',
  autoComplete,
  autoFocus,
}: {
  label: string;
  registration: UseFormRegisterReturn;
  error: string | undefined;
  type?: 'text' | 'password';
  autoComplete: 'username' | 'current-password' | 'new-password' | 'off';
  autoFocus?: boolean;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type={type}
        className="field__input"
        autoComplete={autoComplete}
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-required
        autoFocus={autoFocus}
        {...registration}
      />
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
