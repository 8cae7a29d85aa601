import { useState } from 'react';
import type { WorkstationInfo } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { useCan } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

/** Whether the workstation's token works now, in words (issue 18). */
function standing(w: WorkstationInfo): string {
  if (w.revokedAt !== null) return `Revoked ${formatEpoch(w.revokedAt)}`;
  if (w.allUsersDisabled) return 'Refused: all its users are disabled';
  return 'Active';
}

/**
 * The workstations registered with the central store: who has signed in on each, when it was last
 * seen and synced; admins with workstations.manage revoke one (its token stops working at once,
 * and only an admin signing in on it registers it again).
 */
export function WorkstationsSection({ workstations, reload }: { workstations: WorkstationInfo[]; reload(): void }) {
  const canRevoke = useCan('workstations.manage');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  const revoke = async (w: WorkstationInfo) => {
    setBusy(w.id);
    setFailure(null);
    setSaid('');
    const result = await switchboard().adminRevokeWorkstation({ workstationId: w.id });
    setBusy(null);
    setConfirming(null);
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    setSaid(`Saved: ${w.name} revoked; it no longer syncs until an administrator signs in on it.`);
    reload();
  };

  return (
    <AdminSection titleId="admin-workstations-title" title="Workstations" count={workstations.length} said={said} failure={failure}>
      {workstations.length === 0 ? (
        <p className="muted">No workstation has signed in to the central store yet.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby="admin-workstations-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Registered</th>
              <th scope="col">Last seen</th>
              <th scope="col">Last synced</th>
              <th scope="col">Users seen</th>
              <th scope="col">Status</th>
              {canRevoke && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {workstations.map((w) => (
              <tr key={w.id}>
                <th scope="row" className="admin__name">
                  {w.name}
                </th>
                <td className="mono">{w.id}</td>
                <td className="nowrap">{formatEpoch(w.registeredAt)}</td>
                <td className="nowrap">{formatEpoch(w.lastSeenAt)}</td>
                <td className="nowrap">{w.lastSyncAt === null ? 'Never' : formatEpoch(w.lastSyncAt)}</td>
                <td className="mono">
                  {w.usersSeen.length === 0 ? '—' : w.usersSeen.map((u) => (u.active ? u.username : `${u.username} (disabled)`)).join(', ')}
                </td>
                <td>{standing(w)}</td>
                {canRevoke && (
                  <td className="admin__actions">
                    {w.revokedAt === null &&
                      (confirming === w.id ? (
                        <>
                          <button
                            type="button"
                            className="button button--small button--danger"
                            aria-label={`Confirm: revoke ${w.name}`}
                            aria-disabled={busy === w.id}
                            onClick={() => {
                              if (busy !== w.id) void revoke(w);
                            }}
                          >
                            Revoke now
                          </button>
                          <button type="button" className="button button--small" aria-label={`Keep ${w.name}`} onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" className="button button--small" aria-label={`Revoke ${w.name}`} onClick={() => setConfirming(w.id)}>
                          Revoke
                        </button>
                      ))}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminSection>
  );
}
