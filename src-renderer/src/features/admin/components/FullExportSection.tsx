import { useEffect, useState } from 'react';
import { switchboard } from '../../../api/client';

const sizeFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/**
 * "Export everything" (issue 23, data.export_all, admins): every table of the central store (secrets
 * left out) as CSV files in one ZIP archive, streamed by the store and saved into the Downloads
 * folder by the main process. While it runs, a progress bar (the time so far: the store streams,
 * so the total is not known ahead) and the button disabled; then where it went, or why not.
 */
export function FullExportSection() {
  const [running, setRunning] = useState(false);
  const [seconds, setSeconds] = useState(0);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const exportAll = async () => {
    setRunning(true);
    setSeconds(0);
    setSaid('');
    setFailure(null);
    const r = await switchboard().adminExportAll({});
    setRunning(false);
    if (r.ok) setSaid(`Exported every table (${sizeFormat.format(r.value.bytes / 1_048_576)} MB) to ${r.value.path}.`);
    else setFailure(`Not exported: ${r.error.message}`);
  };

  return (
    <section className="admin__section" aria-labelledby="full-export-title">
      <h3 id="full-export-title" className="admin__heading">
        Export everything
      </h3>
      <p className="muted">
        Every table of the central store as CSV files in one ZIP archive, saved to your Downloads folder. Password hashes and session and
        workstation tokens are left out. Each export is recorded in the audit log.
      </p>
      <button type="button" className="button" disabled={running} onClick={() => void exportAll()}>
        Export all data
      </button>
      {running && (
        <p>
          <progress aria-label="Exporting every table" /> <span role="status">Exporting… {seconds} s</span>
        </p>
      )}
      <p role="status" className="save-status save-status--ok">
        {said}
      </p>
      {failure !== null && (
        <p role="alert" className="notice notice--error">
          {failure}
        </p>
      )}
    </section>
  );
}
