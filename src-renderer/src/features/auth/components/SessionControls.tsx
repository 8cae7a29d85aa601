import { useState } from 'react';
import { ROLE_LABELS } from '../../../../../src-shared/auth/permissions';
import type { WorkstationUser } from '../../../../../src-shared/contracts/auth';
import { useAppStore } from '../../../app/store';
import { lockNow, signOut } from '../session';
import { useCan, useSessionStore } from '../store';

/** Admin and Audit log, for the roles that have them; nobody else sees that they exist. */
function AdminLinks() {
  const canAdmin = useCan('users.manage');
  const canWorkstations = useCan('workstations.read');
  const canAudit = useCan('audit.read');
  const canApprove = useCan('discount.approve');
  const canMetrics = useCan('metrics.own');
  const canTeamMetrics = useCan('metrics.team');
  const canAllMetrics = useCan('metrics.all');
  const canBoard = canTeamMetrics;
  const viewKind = useAppStore((s) => s.view.kind);
  if (!canAdmin && !canWorkstations && !canAudit && !canApprove && !canMetrics) return null;
  return (
    <>
      {canMetrics && (
        <button
          type="button"
          className="button button--quiet"
          aria-current={viewKind === 'dashboard' ? 'page' : undefined}
          onClick={() => useAppStore.getState().openDashboard()}
        >
          {canTeamMetrics || canAllMetrics ? 'Dashboard' : 'My figures'}
        </button>
      )}
      {canBoard && (
        <button
          type="button"
          className="button button--quiet"
          aria-current={viewKind === 'board' ? 'page' : undefined}
          onClick={() => useAppStore.getState().openBoard()}
        >
          Live board
        </button>
      )}
      {canApprove && (
        <button
          type="button"
          className="button button--quiet"
          aria-current={viewKind === 'approvals' ? 'page' : undefined}
          onClick={() => useAppStore.getState().openApprovals()}
        >
          Approvals
        </button>
      )}
      {(canAdmin || canWorkstations) && (
        <button
          type="button"
          className="button button--quiet"
          aria-current={viewKind === 'admin' ? 'page' : undefined}
          onClick={() => useAppStore.getState().openAdmin()}
        >
          Admin
        </button>
      )}
      {canAudit && (
        <button
          type="button"
          className="button button--quiet"
          aria-current={viewKind === 'audit' ? 'page' : undefined}
          onClick={() => useAppStore.getState().openAudit()}
        >
          Audit log
        </button>
      )}
    </>
  );
}

/** Who is signed in, and the ways to hand the workstation on: lock, switch user, sign out. */
export function SessionControls({ user }: { user: WorkstationUser }) {
  const offline = useSessionStore((s) => s.session?.offline === true);
  const [failure, setFailure] = useState<string | null>(null);
  const report = (error: { message: string } | null) => setFailure(error === null ? null : error.message);
  return (
    <div className="session" role="group" aria-label="Session">
      <p className="session__who">
        <span className="session__name">{user.displayName}</span>
        <span className="session__role">{ROLE_LABELS[user.role]}</span>
        {offline && <span className="session__offline">Signed in offline</span>}
      </p>
      <div className="session__actions">
        <AdminLinks />
        <button type="button" className="button button--quiet" aria-keyshortcuts="Control+L" onClick={() => void lockNow().then(report)}>
          Lock <kbd aria-hidden="true">Ctrl+L</kbd>
        </button>
        <button type="button" className="button button--quiet" onClick={() => void lockNow({ thenSwitch: true }).then(report)}>
          Switch user
        </button>
        <button type="button" className="button button--quiet" onClick={() => void signOut().then(report)}>
          Sign out
        </button>
      </div>
      {failure !== null && (
        <p role="alert" className="session__failure">
          {failure}
        </p>
      )}
    </div>
  );
}
