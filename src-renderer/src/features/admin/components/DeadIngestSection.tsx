import { useCallback, useEffect, useId, useState } from 'react';
import type { IngestDeliveryView, IntegrationView } from '../../../../../src-shared/contracts/ingest';
import { switchboard } from '../../../api/client';
import { useCan, useSessionStore } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

/**
 * Dead ingest deliveries (issue 23; integrations.manage, admins): what a web shop or order system
 * sent that the store could not apply, with the reason and when. The store never gives the body
 * (it is customer data), so neither does this list. A dead delivery blocks nothing behind it.
 */
export function DeadIngestSection() {
  const canManage = useCan('integrations.manage');
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  const enabled = canManage && storeConfigured;
  const id = useId();
  const [dead, setDead] = useState<IngestDeliveryView[] | null>(null);
  const [integrations, setIntegrations] = useState<IntegrationView[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');

  const read = useCallback(async () => {
    const [r, names] = await Promise.all([switchboard().integrationDeliveries({ state: 'dead' }), switchboard().integrationList({})]);
    if (names.ok) setIntegrations(names.value);
    if (!r.ok) {
      setFailure(r.error.message);
      return false;
    }
    setFailure(null);
    setDead(r.value);
    return true;
  }, []);
  useEffect(() => {
    if (enabled) void read();
  }, [enabled, read]);

  if (!enabled) return null;

  const refresh = async () => {
    setSaid('');
    if (await read()) setSaid('The list is read again.');
  };
  const nameOf = (integrationId: string) => {
    const i = integrations.find((x) => x.id === integrationId);
    return i ? `${i.name} (${i.source})` : integrationId;
  };

  return (
    <AdminSection titleId="admin-dead-ingest-title" title="Dead ingest deliveries" count={dead?.length ?? 0} said={said} failure={failure}>
      <p className="muted" id={`${id}-about`}>
        Deliveries an integration sent that could not be applied. Each one is set aside; those after it were applied.
      </p>
      <button type="button" className="button button--small" onClick={() => void refresh()}>
        Refresh dead deliveries
      </button>
      {dead === null ? (
        failure === null && <p className="muted">Reading dead deliveries…</p>
      ) : dead.length === 0 ? (
        <p className="muted">No dead delivery.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby="admin-dead-ingest-title" aria-describedby={`${id}-about`}>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Integration</th>
              <th scope="col">Kind</th>
              <th scope="col">Delivery id</th>
              <th scope="col">Attempts</th>
              <th scope="col">Reason</th>
              <th scope="col">Set aside</th>
            </tr>
          </thead>
          <tbody>
            {dead.map((d) => (
              <tr key={d.seq}>
                <th scope="row" className="nowrap">
                  {formatEpoch(d.receivedAt)}
                </th>
                <td>{nameOf(d.integrationId)}</td>
                <td className="mono">{d.kind}</td>
                <td className="mono">{d.idempotencyKey}</td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? '—'}</td>
                <td className="nowrap">{d.settledAt === null ? '—' : formatEpoch(d.settledAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminSection>
  );
}
