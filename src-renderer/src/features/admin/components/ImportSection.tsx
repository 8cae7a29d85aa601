import { useEffect, useId, useRef, useState } from 'react';
import { IMPORT_CHUNK_BYTES, IMPORT_KINDS, type ImportKind, type ImportStatus } from '../../../../../src-shared/contracts/imports';
import { switchboard } from '../../../api/client';
import { timeLeftText } from '../../sync/words';

const KIND_LABELS: Record<ImportKind, string> = { customers: 'Customers', products: 'Products (prices, stock, relations)', campaigns: 'Campaigns', orders: 'Orders with lines' };
const count = new Intl.NumberFormat();
const POLL_MS = 250;

/** Bytes as base64 without building one huge string argument (String.fromCharCode takes a bounded slice). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

type Phase = { kind: 'idle' } | { kind: 'working'; status: ImportStatus | null; uploaded: number; total: number } | { kind: 'ended'; status: ImportStatus };

/**
 * Import (issue 23): an admin picks a CSV or JSON file, its kind and whether it is a dry run. The
 * file goes to the core in chunks (never read whole here), the core streams it to the store, and
 * the progress bar follows the store's counts until the report shows. Refused rows can be saved
 * as the error file (`_errors` column) in Downloads, fixed and imported again.
 */
export function ImportSection() {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<ImportKind>('customers');
  const [dryRun, setDryRun] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const start = async () => {
    setFailure(null);
    setSaid('');
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setFailure('Choose a file to import first.');
      fileRef.current?.focus();
      return;
    }
    const api = switchboard();
    const begun = await api.importBegin({ kind, dryRun, fileName: file.name, size: file.size });
    if (!begun.ok) {
      setFailure(begun.error.message);
      return;
    }
    const importId = begun.value.importId;
    setPhase({ kind: 'working', status: null, uploaded: 0, total: file.size });
    for (let offset = 0; offset < file.size; offset += IMPORT_CHUNK_BYTES) {
      const bytes = new Uint8Array(await file.slice(offset, offset + IMPORT_CHUNK_BYTES).arrayBuffer());
      const sent = await api.importChunk({ importId, offset, data: toBase64(bytes) });
      if (!alive.current) return;
      if (!sent.ok) {
        setPhase({ kind: 'idle' });
        setFailure(sent.error.message);
        return;
      }
      setPhase({ kind: 'working', status: null, uploaded: sent.value.received, total: file.size });
    }
    let status = await api.importRun({ importId });
    while (alive.current && status.ok && (status.value.state === 'running' || status.value.state === 'uploading')) {
      setPhase({ kind: 'working', status: status.value, uploaded: file.size, total: file.size });
      await new Promise((r) => setTimeout(r, POLL_MS));
      status = await api.importStatus({ importId });
    }
    if (!alive.current) return;
    if (!status.ok) {
      setPhase({ kind: 'idle' });
      setFailure(status.error.message);
      return;
    }
    setPhase({ kind: 'ended', status: status.value });
    if (status.value.state === 'failed') setFailure(status.value.message ?? 'The import failed.');
  };

  const saveErrors = async (importId: string) => {
    setFailure(null);
    const saved = await switchboard().importSaveErrors({ importId });
    if (!saved.ok) setFailure(saved.error.message);
    else setSaid(`Saved: the ${count.format(saved.value.rows)} refused row${saved.value.rows === 1 ? '' : 's'} as ${saved.value.path}. Fix them there and import that file again.`);
  };

  const working = phase.kind === 'working';
  const status = phase.kind === 'idle' ? null : phase.status;
  const counts = status?.counts;
  const report = phase.kind === 'ended' ? phase.status.report : null;
  // The bar: the file handed to this workstation's core first, then the bytes the store has read.
  const total = status ? status.bytesTotal : phase.kind === 'working' ? phase.total : 0;
  const done = status ? status.bytesSent : phase.kind === 'working' ? phase.uploaded : 0;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  const stage = status === null ? 'Handing the file over' : status.state === 'running' ? (status.counts.rowsRead === 0 ? 'Starting' : 'Importing') : status.state === 'done' ? 'Done' : 'Stopped';
  const detail = counts
    ? `${count.format(counts.rowsRead)} read · ${count.format(counts.created)} created · ${count.format(counts.updated)} updated · ${count.format(counts.unchanged)} unchanged · ${count.format(counts.refused)} refused`
    : `${count.format(done)} of ${count.format(total)} bytes handed over`;
  const left = status?.state === 'running' ? timeLeftText(status.msLeft) : status?.state === 'done' ? 'finished' : '';

  return (
    <section className="admin__section import" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="admin__heading">
        Import
      </h3>
      <p role="status" className="save-status save-status--ok">
        {said}
      </p>
      {failure !== null && (
        <p role="alert" className="notice notice--error">
          {failure}
        </p>
      )}
      <form
        className="form admin__form import__form"
        aria-label="Import a file"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!working) void start();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-file`}>File (CSV or JSON)</label>
          <input id={`${id}-file`} ref={fileRef} type="file" accept=".csv,.json,.jsonl,.ndjson,text/csv,application/json" disabled={working} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind of data</label>
          <select id={`${id}-kind`} value={kind} disabled={working} onChange={(e) => setKind(e.target.value as ImportKind)}>
            {IMPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={dryRun} disabled={working} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (check everything, write nothing)
        </label>
        <div className="form__actions">
          <button type="submit" className="button button--primary" aria-disabled={working}>
            {working ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {phase.kind !== 'idle' && (
        <div className="import__progress">
          <span id={`${id}-progress-label`} className="sync-progress__label">
            {stage}
          </span>{' '}
          <progress
            className="import__bar"
            aria-labelledby={`${id}-progress-label`}
            aria-describedby={`${id}-progress-detail`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%: ${detail}${left ? `, ${left}` : ''}`}
            max={100}
            value={percent}
          />{' '}
          <span id={`${id}-progress-detail`} className="tabular" aria-live="polite">
            {detail}
            {left ? ` · ${left}` : ''}
          </span>
        </div>
      )}
      {report && (
        <div className="import__report" role="region" aria-label="Import report">
          <p>
            {report.dryRun ? 'Dry run (nothing written): ' : ''}
            {count.format(report.rowsRead)} rows read, {count.format(report.created)} created, {count.format(report.updated)} updated, {count.format(report.unchanged)} unchanged,{' '}
            {count.format(report.refused)} refused, in {(report.ms / 1000).toFixed(1)} s.
          </p>
          {report.ignoredColumns.length > 0 && <p className="muted">Columns not imported: {report.ignoredColumns.join(', ')}.</p>}
          {report.refusedRows.length > 0 && (
            <table className="orders admin__table" aria-label="Refused rows">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Column</th>
                  <th scope="col">Value</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.refusedRows.map((r, i) => (
                  <tr key={`${r.line}-${r.column}-${i}`}>
                    <td className="tabular">{r.line}</td>
                    <td className="mono">{r.column || '—'}</td>
                    <td className="mono">{r.value || '—'}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.refusedTruncated && <p className="muted">More problems than listed here: the file with errors has every refused row.</p>}
          {phase.kind === 'ended' && phase.status.errorFile && (
            <button type="button" className="button" onClick={() => void saveErrors(phase.status.importId)}>
              Download file with errors
            </button>
          )}
          {phase.kind === 'ended' && phase.status.errorFileTooLarge && <p className="muted">The file with errors is larger than 20 MB: import this file with the CLI (npm run import), which writes it whole.</p>}
        </div>
      )}
    </section>
  );
}
