import type { SessionView } from '../../../../../src-shared/contracts/auth';

/** What the main process wants said about this workstation (e.g. sign-ins kept without the OS keychain). */
export function SessionWarning({ session }: { session: SessionView }) {
  if (session.warning === null) return null;
  return (
    <p className="notice notice--warn" id="session-warning">
      <strong>Warning: </strong>
      {session.warning}
    </p>
  );
}
