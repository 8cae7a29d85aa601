import { useEffect, useState } from 'react';
import type { ComplaintSummary } from '../../../../../src-shared/contracts/complaints';
import { switchboard } from '../../../api/client';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { formatDate } from '../../lookup/format';
import { SaveStatus, type SaveState } from '../../../ui/fields';
import { COMPLAINT_STATUS_LABELS } from '../../timeline/components/Timeline';
import { ComplaintForm, SEVERITY_LABELS } from './ComplaintForm';
import { ComplaintDetailView } from './ComplaintDetailView';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

/** The customer's complaints: log one, see the list, open one to move it along. */
/** `newRequest`: raised by the "log a complaint" shortcut; each new value opens the form. */
export function Complaints({ customerId, onChanged, newRequest = 0 }: { customerId: string; onChanged(): void; newRequest?: number }) {
  const [mode, setMode] = useState<{ kind: 'list' } | { kind: 'new' } | { kind: 'detail'; complaintId: string }>({ kind: 'list' });
  const [list, setList] = useState<{ complaints: ComplaintSummary[]; total: number } | { error: string } | null>(null);
  const [version, setVersion] = useState(0);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  // Complaints logged or moved on other workstations arrive with a sync; the list keeps showing until the new one is in.
  const dataVersion = useDataVersion();
  useEffect(() => {
    if (newRequest === 0) return;
    setSave({ kind: 'idle' });
    setMode({ kind: 'new' });
  }, [newRequest]);

  useEffect(() => {
    let current = true;
    void switchboard()
      .complaintList({ customerId, limit: 200 })
      .then((r) => {
        if (current) setList(r.ok ? r.value : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [customerId, version, dataVersion]);

  const changed = () => {
    setVersion((v) => v + 1);
    onChanged();
  };

  return (
    <div className="complaints">
      <div className="toolbar">
        {mode.kind !== 'new' && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setSave({ kind: 'idle' });
              setMode({ kind: 'new' });
            }}
            {...shortcutProps('logComplaint')}
          >
            Log complaint <ShortcutHint id="logComplaint" />
          </button>
        )}
        <SaveStatus state={save} />
      </div>
      {mode.kind === 'new' && (
        <ComplaintForm
          customerId={customerId}
          onCancel={() => setMode({ kind: 'list' })}
          onSaved={(c) => {
            setSave({ kind: 'saved', text: 'Saved: complaint logged' });
            setMode({ kind: 'detail', complaintId: c.id });
            changed();
          }}
        />
      )}
      {list === null && <p className="muted">Loading complaints…</p>}
      {list !== null && 'error' in list && (
        <p className="notice notice--error" role="alert">
          {list.error}
        </p>
      )}
      {list !== null && !('error' in list) && list.complaints.length === 0 && mode.kind !== 'new' && <p className="muted">No complaints.</p>}
      {list !== null && !('error' in list) && list.complaints.length > 0 && (
        <table className="orders" aria-label="Complaints">
          <thead>
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">Category</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">About</th>
              <th scope="col">Follow up</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {list.complaints.map((c) => (
              <tr key={c.id} aria-current={mode.kind === 'detail' && mode.complaintId === c.id ? 'true' : undefined}>
                <td className="nowrap">{formatDate(c.openedAt)}</td>
                <td>
                  <button type="button" className="linklike" onClick={() => setMode({ kind: 'detail', complaintId: c.id })}>
                    {c.categoryLabel}
                  </button>
                </td>
                <td>{SEVERITY_LABELS[c.severity]}</td>
                <td>
                  <span className={`status status--${c.status}`}>{COMPLAINT_STATUS_LABELS[c.status]}</span>
                </td>
                <td className="mono">{c.orderNumber ?? '—'}</td>
                <td className="nowrap">{formatDate(c.followUpOn)}</td>
                <td className="ellipsis">{c.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mode.kind === 'detail' && (
        <ComplaintDetailView key={mode.complaintId} complaintId={mode.complaintId} onChanged={changed} onClose={() => setMode({ kind: 'list' })} />
      )}
    </div>
  );
}
