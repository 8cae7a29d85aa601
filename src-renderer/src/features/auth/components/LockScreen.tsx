import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { authUnlock, type SessionView } from '../../../../../src-shared/contracts/auth';
import { ROLE_LABELS } from '../../../../../src-shared/auth/permissions';
import { showSwitchUser, unlock } from '../session';
import { useSessionStore } from '../store';
import { CredentialField } from './CredentialField';
import { SignInForm } from './SignInForm';
import { SessionWarning } from './SessionWarning';

type FormInput = z.input<typeof authUnlock.input>;
type FormOutput = z.output<typeof authUnlock.input>;

function UnlockForm({ name }: { name: string }) {
  const [failure, setFailure] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setValue,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(authUnlock.input),
    defaultValues: { password: '' },
    mode: 'onSubmit',
  });
  const onSubmit = handleSubmit(async ({ password }) => {
    setFailure(null);
    const result = await unlock(password);
    if (result.ok) return;
    setFailure(result.error.message);
    setValue('password', '');
    setFocus('password');
  });
  return (
    <form className="auth__form" aria-label={`Unlock as ${name}`} noValidate onSubmit={(e) => void onSubmit(e)}>
      <CredentialField label="Password" type="password" registration={register('password')} error={errors.password?.message} autoComplete="current-password" autoFocus />
      <p role="alert" className="auth__failure">
        {failure}
      </p>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Unlock
        </button>
        <button type="button" className="button" onClick={() => showSwitchUser(true)}>
          Switch user
        </button>
      </div>
    </form>
  );
}

/**
 * The locked screen. The workspace is not rendered at all (no customer, no call, no form): only
 * who locked it, their unlock form, and "Switch user" for anyone else — signing in ends the locked
 * session.
 */
export function LockScreen({ session }: { session: SessionView }) {
  const switching = useSessionStore((s) => s.switching);
  const name = session.user?.displayName ?? 'the last user';
  const role = session.user ? ROLE_LABELS[session.user.role] : null;
  return (
    <main className="auth">
      <section className="auth__card" aria-labelledby="lock-title">
        <p className="auth__brand">Switchboard</p>
        {switching ? (
          <>
            <h1 id="lock-title" className="auth__title">
              Switch user
            </h1>
            <p className="auth__text">
              Signing in here ends {name}’s locked session; anything they had not saved is gone.
            </p>
            <SessionWarning session={session} />
            <SignInForm />
            <button type="button" className="button button--quiet auth__back" onClick={() => showSwitchUser(false)}>
              Back to unlock as {name}
            </button>
          </>
        ) : (
          <>
            <h1 id="lock-title" className="auth__title">
              Locked — {name}
            </h1>
            <p className="auth__text">
              {name}
              {role !== null && ` (${role})`} locked this workstation. Only they can unlock it, with their password; anyone else: Switch user.
            </p>
            <SessionWarning session={session} />
            <UnlockForm name={name} />
          </>
        )}
      </section>
    </main>
  );
}
