import { useEffect, useState } from 'react';
import type { ContactEdit } from '../../../../../src-shared/contracts/customer360';
import { switchboard } from '../../../api/client';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { formatDateTime } from '../../../ui/format';
import { CONSENT_SOURCE_LABELS } from '../../../../../src-shared/domain/consent';

const FIELD_LABELS: Record<ContactEdit['field'], string> = {
  first_name: 'First name',
  last_name: 'Last name',
  phones: 'Phones',
  emails: 'Emails',
  primary_address: 'Address',
  marketing_consent: 'Marketing consent (any channel)',
  consent_email: 'E-mail marketing consent',
  consent_phone: 'Phone marketing consent',
  consent_sms: 'SMS marketing consent',
  delivery_address: 'Delivery address added',
};

/** Who changed which contact field, when, from what to what (and, for consent, on whose word); newest first. */
export function EditHistory({ customerId, version }: { customerId: string; version: number }) {
  const [state, setState] = useState<{ edits: ContactEdit[]; total: number } | { error: string } | null>(null);
  const dataVersion = useDataVersion();
  useEffect(() => {
    let current = true;
    void switchboard()
      .customerEditHistory({ customerId, limit: 200 })
      .then((r) => {
        if (current) setState(r.ok ? r.value : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [customerId, version, dataVersion]);
  if (state === null) return <p className="muted">Loading history…</p>;
  if ('error' in state)
    return (
      <p className="notice notice--error" role="alert">
        {state.error}
      </p>
    );
  if (state.edits.length === 0) return <p className="muted">No contact changes recorded.</p>;
  return (
    <table className="orders">
      <caption className="sr-only">Contact changes, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Field</th>
          <th scope="col">Old → new</th>
          <th scope="col">On whose word</th>
        </tr>
      </thead>
      <tbody>
        {state.edits.map((e) => (
          <tr key={e.id}>
            <td className="nowrap">{formatDateTime(e.at)}</td>
            <td>{e.agentId}</td>
            <td>{FIELD_LABELS[e.field]}</td>
            <td className="change">
              <span className="change__old">{e.oldValue ?? '—'}</span> <span aria-label="changed to">→</span>{' '}
              <span className="change__new">{e.newValue ?? '—'}</span>
            </td>
            <td>{e.source ? CONSENT_SOURCE_LABELS[e.source] : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
