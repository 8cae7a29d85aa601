import { useEffect, useRef, useState } from 'react';
import type { AdminUser, Team, WorkstationInfo } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { BackButton } from '../../customer/components/ProfilePanels';
import { useCan, useSessionStore } from '../../auth/store';
import { ImportSection } from './ImportSection';
import { UsersSection } from './UsersSection';
import { WorkstationsSection } from './WorkstationsSection';
import { EmailTemplatesSection } from './EmailTemplatesSection';
import { FullExportSection } from './FullExportSection';
import { IntegrationsSection } from './IntegrationsSection';
import { ErasureRequestsSection } from './ErasureRequestsSection';
import { WebhooksSection } from './WebhooksSection';
import { DeadIngestSection } from './DeadIngestSection';
import { EmailOutboxSection } from './EmailOutboxSection';
import type { ErasureRequest } from '../../../../../src-shared/contracts/privacy';

type Loaded<T> = { status: 'loading' } | { status: 'loaded'; value: T } | { status: 'failed'; message: string };

/** Reads a store list when the screen opens and again on `reload()`; a failed reload keeps what is shown. */
function useStoreList<T>(read: () => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>, enabled: boolean) {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [reloadError, setReloadError] = useState<string | null>(null);
  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    void readRef.current().then((r) => {
      if (!current) return;
      if (r.ok) {
        setState({ status: 'loaded', value: r.value });
        setReloadError(null);
      } else {
        const message = r.error.message;
        setReloadError(message);
        setState((shown) => (shown.status === 'loaded' ? shown : { status: 'failed', message }));
      }
    });
    return () => {
      current = false;
    };
  }, [enabled, generation]);
  return { state, reloadError, reload: () => setGeneration((g) => g + 1) };
}

function Failure({ message }: { message: string }) {
  return (
    <p role="alert" className="notice notice--error">
      {message}
    </p>
  );
}

/**
 * Administration: users and teams (users.manage) and workstations (workstations.read), read from
 * the central store through the main process. Without a store online the store's sentence says why.
 */
export function AdminScreen() {
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  const canUsers = useCan('users.manage') && storeConfigured;
  const canWorkstations = useCan('workstations.read') && storeConfigured;
  const canExportAll = useCan('data.export_all') && storeConfigured;
  const canImport = useCan('data.import') && storeConfigured;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const users = useStoreList<{ users: AdminUser[]; teams: Team[] }>(() => switchboard().adminUsers({}), canUsers);
  const workstations = useStoreList<{ workstations: WorkstationInfo[] }>(() => switchboard().adminWorkstations({}), canWorkstations);
  const canErasure = useCan('erasure.confirm') && storeConfigured;
  const erasures = useStoreList<{ requests: ErasureRequest[] }>(() => switchboard().privacyErasureRequests({}), canErasure);
  // Both lists fail alike when the store is offline: one sentence is enough.
  const workstationsFailure =
    workstations.state.status === 'failed' && !(users.state.status === 'failed' && users.state.message === workstations.state.message) ? workstations.state.message : null;

  return (
    <section className="admin" aria-labelledby="admin-title">
      <div className="card__head">
        <BackButton />
      </div>
      <h2 id="admin-title" className="admin__title" ref={heading} tabIndex={-1}>
        Administration
      </h2>
      {!storeConfigured && (
        <p role="alert" className="notice">
          Users, teams and workstations are kept on the central store, and this workstation works without one. Run Switchboard with a central
          store to manage them.
        </p>
      )}
      {canUsers && (
        <>
          {users.state.status === 'loading' && <p className="muted">Reading users…</p>}
          {users.state.status === 'failed' && <Failure message={users.state.message} />}
          {users.state.status === 'loaded' && users.reloadError !== null && <Failure message={`The list could not be read again: ${users.reloadError}`} />}
          {users.state.status === 'loaded' && (
            <UsersSection
              users={users.state.value.users}
              teams={users.state.value.teams}
              reload={() => {
                users.reload();
                workstations.reload();
              }}
            />
          )}
        </>
      )}
      {canWorkstations && (
        <>
          {workstations.state.status === 'loading' && <p className="muted">Reading workstations…</p>}
          {workstationsFailure !== null && <Failure message={workstationsFailure} />}
          {workstations.state.status === 'loaded' && workstations.reloadError !== null && <Failure message={`The list could not be read again: ${workstations.reloadError}`} />}
          {workstations.state.status === 'loaded' && <WorkstationsSection workstations={workstations.state.value.workstations} reload={workstations.reload} />}
        </>
      )}
      {storeConfigured && <EmailTemplatesSection />}
      <EmailOutboxSection />
      {canExportAll && <FullExportSection />}
      <IntegrationsSection />
      <DeadIngestSection />
      <WebhooksSection />
      {canErasure && (
        <>
          {erasures.state.status === 'loading' && <p className="muted">Reading erasure requests…</p>}
          {erasures.state.status === 'failed' && erasures.state.message !== workstationsFailure && <Failure message={erasures.state.message} />}
          {erasures.state.status === 'loaded' && <ErasureRequestsSection requests={erasures.state.value.requests} reload={erasures.reload} />}
        </>
      )}
      {canImport && <ImportSection />}
    </section>
  );
}
