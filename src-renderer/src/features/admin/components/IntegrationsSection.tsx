import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { CreatedIntegration, IntegrationView } from '../../../../../src-shared/contracts/ingest';
import { switchboard } from '../../../api/client';
import { useCan, useSessionStore } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

/**
 * Ingest integrations (issue 23): the web shops and order systems allowed to send the central store
 * orders, with their keys. Creating one shows its secret once, with a copy button (the field is
 * also selectable, for Ctrl+C); the store never shows it again. Disabling refuses its deliveries
 * at once. Reads its own list, so the admin screen only places it.
 */
export function IntegrationsSection() {
  const canManage = useCan('integrations.manage');
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  const enabled = canManage && storeConfigured;
  const [list, setList] = useState<IntegrationView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedIntegration | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const secretField = useRef<HTMLInputElement>(null);
  /** "Done, hide the secret" removes the focused button: focus goes to the form, ready for the next integration. */
  const nameField = useRef<HTMLInputElement>(null);

  const reload = useCallback(async () => {
    const r = await switchboard().integrationList({});
    if (r.ok) setList(r.value);
    else setFailure(r.error.message);
  }, []);
  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);
  useEffect(() => {
    if (created) secretField.current?.focus();
  }, [created]);

  if (!enabled) return null;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    setSaid('');
    const r = await switchboard().integrationCreate({ name, source });
    setBusy(false);
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    setCreated(r.value);
    setName('');
    setSource('');
    setSaid(`Saved: integration ${r.value.name} created. Copy its secret now: it is not shown again.`);
    void reload();
  };

  const disable = async (i: IntegrationView) => {
    setFailure(null);
    setSaid('');
    const r = await switchboard().integrationDisable({ integrationId: i.id });
    setConfirming(null);
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    setSaid(`Saved: ${i.name} disabled; its deliveries are refused from now on.`);
    void reload();
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setSaid('Secret copied.');
    } catch {
      secretField.current?.select();
      setSaid('Copying was not allowed here: the secret is selected, press Ctrl+C.');
    }
  };

  return (
    <AdminSection titleId="admin-integrations-title" title="Integrations" count={list?.length ?? 0} said={said} failure={failure}>
      {created && (
        <div className="notice" role="group" aria-labelledby="integration-secret-label">
          <p id="integration-secret-label">
            Key and secret of <strong>{created.name}</strong>: give them to the system that sends orders. The secret is shown this once.
          </p>
          <label>
            Key (X-Switchboard-Key)
            <input className="input mono" readOnly value={created.id} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <label>
            Secret
            <input ref={secretField} className="input mono" readOnly value={created.secret} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" className="button button--small" onClick={() => void copy()}>
            Copy secret
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setCreated(null);
              nameField.current?.focus();
            }}
          >
            Done, hide the secret
          </button>
        </div>
      )}
      <form className="admin__form" aria-label="New integration" onSubmit={(e) => void create(e)}>
        <label>
          Integration name
          <input ref={nameField} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Source (short name, e.g. shop)
          <input className="input" value={source} onChange={(e) => setSource(e.target.value)} required pattern="[a-z0-9][a-z0-9._-]{0,31}" />
        </label>
        <button type="submit" className="button" aria-disabled={busy}>
          Create integration
        </button>
      </form>
      {list === null ? (
        <p className="muted">Reading integrations…</p>
      ) : list.length === 0 ? (
        <p className="muted">No integration yet.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby="admin-integrations-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id}>
                <th scope="row" className="admin__name">
                  {i.name}
                </th>
                <td className="mono">{i.source}</td>
                <td className="mono">{i.id}</td>
                <td className="nowrap">{formatEpoch(i.createdAt)}</td>
                <td>{i.active ? 'Active' : `Disabled ${i.disabledAt === null ? '' : formatEpoch(i.disabledAt)}`}</td>
                <td className="admin__actions">
                  {i.active &&
                    (confirming === i.id ? (
                      <>
                        <button type="button" className="button button--small button--danger" aria-label={`Confirm: disable ${i.name}`} onClick={() => void disable(i)}>
                          Disable now
                        </button>
                        <button type="button" className="button button--small" aria-label={`Keep ${i.name}`} onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" className="button button--small" aria-label={`Disable ${i.name}`} onClick={() => setConfirming(i.id)}>
                        Disable
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminSection>
  );
}
