import { useRef, useState } from 'react';
import { ROLE_LABELS } from '../../../../../src-shared/auth/permissions';
import type { AdminUser, Team } from '../../../../../src-shared/contracts/admin';
import { switchboard } from '../../../api/client';
import { formatEpoch } from '../../../ui/format';
import { EditUser, ResetPassword } from './UserEditors';
import { NewUserForm } from './NewUserForm';
import { NewTeamForm } from './NewTeamForm';
import { AdminSection } from './AdminSection';

type Editing = { kind: 'edit' | 'password'; userId: string } | null;

/** The users and teams on the central store, and what an admin does with them. */
export function UsersSection({ users, teams, reload }: { users: AdminUser[]; teams: Team[]; reload(): void }) {
  const [editing, setEditing] = useState<Editing>(null);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const rowButtons = useRef(new Map<string, HTMLButtonElement>());
  const now = Date.now();

  const close = () => {
    const back = editing === null ? undefined : rowButtons.current.get(`${editing.kind}:${editing.userId}`);
    setEditing(null);
    back?.focus();
  };
  const saved = (_user: AdminUser, sentence: string) => {
    close();
    setFailure(null);
    setSaid(sentence);
    reload();
  };
  const setActive = async (user: AdminUser, active: boolean) => {
    setBusy(user.id);
    setFailure(null);
    setSaid('');
    const result = await switchboard().adminUpdateUser({ userId: user.id, active });
    setBusy(null);
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    setSaid(active ? `Saved: ${user.displayName} enabled.` : `Saved: ${user.displayName} disabled; their sessions have ended.`);
    reload();
  };
  const buttonRef = (key: string) => (el: HTMLButtonElement | null) => {
    if (el) rowButtons.current.set(key, el);
    else rowButtons.current.delete(key);
  };
  const editingUser = editing === null ? undefined : users.find((u) => u.id === editing.userId);

  return (
    <AdminSection titleId="admin-users-title" title="Users" count={users.length} said={said} failure={failure}>
      <table className="orders admin__table" aria-labelledby="admin-users-title">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">User name</th>
            <th scope="col">Role</th>
            <th scope="col">Teams</th>
            <th scope="col">Active</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">Locked until</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} className={user.active ? undefined : 'admin__row--inactive'}>
              <th scope="row" className="admin__name">
                {user.displayName}
              </th>
              <td className="mono">{user.username}</td>
              <td>{ROLE_LABELS[user.role]}</td>
              <td>{user.teams.length === 0 ? '—' : user.teams.map((t) => t.name).join(', ')}</td>
              <td>{user.active ? 'Active' : 'Disabled'}</td>
              <td className="nowrap">{formatEpoch(user.lastSignInAt)}</td>
              <td className="nowrap">{user.lockedUntil !== null && user.lockedUntil > now ? formatEpoch(user.lockedUntil) : '—'}</td>
              <td>
                <div className="admin__actions">
                  <button
                    ref={buttonRef(`edit:${user.id}`)}
                    type="button"
                    className="button button--small"
                    aria-label={`Edit ${user.displayName}`}
                    aria-expanded={editing?.kind === 'edit' && editing.userId === user.id}
                    onClick={() => setEditing({ kind: 'edit', userId: user.id })}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`${user.active ? 'Disable' : 'Enable'} ${user.displayName}`}
                    aria-disabled={busy === user.id}
                    onClick={() => {
                      if (busy !== user.id) void setActive(user, !user.active);
                    }}
                  >
                    {user.active ? 'Disable' : 'Enable'}
                  </button>
                  <button
                    ref={buttonRef(`password:${user.id}`)}
                    type="button"
                    className="button button--small"
                    aria-label={`Reset password for ${user.displayName}`}
                    aria-expanded={editing?.kind === 'password' && editing.userId === user.id}
                    onClick={() => setEditing({ kind: 'password', userId: user.id })}
                  >
                    Reset password…
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing !== null && editingUser !== undefined && editing.kind === 'edit' && (
        <EditUser key={editingUser.id} user={editingUser} teams={teams} onSaved={saved} onClose={close} />
      )}
      {editing !== null && editingUser !== undefined && editing.kind === 'password' && (
        <ResetPassword key={editingUser.id} user={editingUser} onSaved={saved} onClose={close} />
      )}

      <div className="admin__forms">
        <section className="panel" aria-labelledby="admin-new-user-title">
          <h4 id="admin-new-user-title" className="panel__title">
            New user
          </h4>
          <NewUserForm teams={teams} onCreated={() => reload()} />
        </section>
        <section className="panel" aria-labelledby="admin-new-team-title">
          <h4 id="admin-new-team-title" className="panel__title">
            New team
          </h4>
          <NewTeamForm onCreated={() => reload()} />
          {teams.length > 0 && (
            <p className="muted admin__team-list">
              Teams: {teams.map((t) => t.name).join(', ')}
            </p>
          )}
        </section>
      </div>
    </AdminSection>
  );
}
