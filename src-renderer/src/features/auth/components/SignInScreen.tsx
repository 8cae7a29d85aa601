import type { SessionView } from '../../../../../src-shared/contracts/auth';
import { SignInForm } from './SignInForm';
import { SessionWarning } from './SessionWarning';

/** Nobody is signed in: nothing but the form (and, when there is one, the warning about stored sign-ins). */
export function SignInScreen({ session }: { session: SessionView }) {
  return (
    <main className="auth">
      <section className="auth__card" aria-labelledby="sign-in-title">
        <p className="auth__brand">Switchboard</p>
        <h1 id="sign-in-title" className="auth__title">
          Sign in
        </h1>
        <SessionWarning session={session} />
        <SignInForm />
      </section>
    </main>
  );
}
