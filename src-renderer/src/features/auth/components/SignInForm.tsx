import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { authSignIn } from '../../../../../src-shared/contracts/auth';
import { signIn } from '../session';
import { CredentialField } from './CredentialField';

type FormInput = z.input<typeof authSignIn.input>;
type FormOutput = z.output<typeof authSignIn.input>;

/**
 * User name and password. The main process answers a wrong name and a wrong password with the
 * same sentence (it never says whether a name exists); that sentence, or when to try again after
 * too many tries, is shown as it comes, in an alert.
 */
export function SignInForm({ submitLabel = 'Sign in' }: { submitLabel?: string }) {
  const [failure, setFailure] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setValue,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(authSignIn.input),
    defaultValues: { username: '', password: '' },
    mode: 'onSubmit',
  });

  const onSubmit = handleSubmit(async ({ username, password }) => {
    setFailure(null);
    const result = await signIn(username, password);
    if (result.ok) return; // the screen changes; this form goes away
    setFailure(result.error.message);
    setValue('password', '');
    setFocus('password');
  });

  return (
    <form className="auth__form" aria-label={submitLabel} noValidate onSubmit={(e) => void onSubmit(e)}>
      <CredentialField label="User name" registration={register('username')} error={errors.username?.message} autoComplete="username" autoFocus />
      <CredentialField label="Password" type="password" registration={register('password')} error={errors.password?.message} autoComplete="current-password" />
      <p role="alert" className="auth__failure">
        {failure}
      </p>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
