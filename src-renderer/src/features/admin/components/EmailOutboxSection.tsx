import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { MAIL_STATES, type MailKind, type MailMessage, type MailOutboxEntry, type MailOutboxPage, type MailSkipReason, type MailState } from '../../../../../src-shared/contracts/email';
import { switchboard } from '../../../api/client';
import { useCan, useSessionStore } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

const KIND_LABELS: Readonly<Record<MailKind, string>> = {
  order_confirmation: 'Order confirmation',
  complaint_acknowledgement: 'Complaint acknowledgement',
};
const STATE_LABELS: Readonly<Record<MailState, string>> = { pending: 'Waiting', sending: 'Sending', sent: 'Sent', failed: 'Failed', skipped: 'Not sent' };
const SKIP_LABELS: Readonly<Record<MailSkipReason, string>> = {
  no_email_address: 'The customer has no email address',
  consent_forbids_email: 'The customer does not want email',
  no_marketing_consent: 'No consent to marketing mail',
  customer_gone: 'The customer was erased',
};

function reasonOf(m: MailOutboxEntry): string {
  if (m.state === 'pending') return m.waitingFor === 'mail_server' ? 'For a mail server to be configured' : m.waitingFor === 'next_attempt' ? 'For its next attempt' : 'To be sent';
  if (m.state === 'skipped' && m.skipReason) return SKIP_LABELS[m.skipReason];
  return '—';
}

/** A mail's name in the list and on its buttons: its kind and what the customer knows it by (order number, complaint reference). */
const mailName = (m: MailOutboxEntry) => `${KIND_LABELS[m.kind].toLowerCase()}${m.reference ? ` ${m.reference}` : ''}`;

/**
 * One mail as the customer gets it, in a modal dialog: subject, from, to, date and the plain-text
 * body, read from the store when it opens. Focus moves to its heading; Esc or Close brings it back
 * to the Read button that opened it.
 */
function MailReader({ mail, returnTo, onClose }: { mail: MailOutboxEntry; returnTo: HTMLElement | null; onClose(): void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const id = useId();
  const [message, setMessage] = useState<MailMessage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    let current = true;
    void switchboard()
      .emailMessage({ id: mail.id })
      .then((r) => {
        if (!current) return;
        if (r.ok) setMessage(r.value);
        else setError(r.error.message);
      });
    return () => {
      current = false;
    };
  }, [mail.id]);
  const close = () => dialogRef.current?.close();

  return (
    <dialog
      ref={dialogRef}
      className="drill mail-reader"
      aria-labelledby={`${id}-title`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      }}
      onClose={() => {
        onClose();
        if (returnTo?.isConnected) returnTo.focus();
      }}
    >
      <div className="drill__bar">
        <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
          {message ? message.subject : `The ${mailName(mail)}`}
        </h2>
        <button type="button" className="button button--quiet" onClick={close}>
          Close <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {message === null && error === null && <p className="muted">Reading the mail…</p>}
      {message && (
        <>
          <dl className="mail-reader__headers" aria-label="Mail headers">
            <div>
              <dt>Subject</dt>
              <dd>{message.subject}</dd>
            </div>
            <div>
              <dt>From</dt>
              <dd>{message.from}</dd>
            </div>
            <div>
              <dt>To</dt>
              <dd>{message.to}</dd>
            </div>
            <div>
              <dt>Date</dt>
              <dd>{message.sentAt === null ? 'Not sent yet' : formatEpoch(message.sentAt)}</dd>
            </div>
          </dl>
          <pre className="mail-reader__text" role="region" aria-label="Mail text" tabIndex={0}>
            {message.text}
          </pre>
          <p className="muted">As the store renders it now: today’s template, the customer’s name and address as they are now (the outbox keeps no copy of a mail).</p>
        </>
      )}
    </dialog>
  );
}

/**
 * The email outbox (issue 23; email.manage, admins): the mails the store sends customers, by
 * state with counts, what a waiting one waits for, the last error (a code and SMTP status, never an
 * address), Send again for a failed one, and Read for any mail that goes to someone (the mail as
 * the customer gets it, read from the store on demand; the list itself shows no address or text).
 */
export function EmailOutboxSection() {
  const allowed = useCan('email.manage');
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  const enabled = allowed && storeConfigured;
  const id = useId();
  const [page, setPage] = useState<MailOutboxPage | null>(null);
  const [state, setState] = useState<MailState | ''>('');
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const tableHeading = useRef<HTMLHeadingElement>(null);
  const [reading, setReading] = useState<{ mail: MailOutboxEntry; returnTo: HTMLElement | null } | null>(null);

  const read = useCallback(async (shown: MailState | '') => {
    const r = await switchboard().emailOutbox(shown === '' ? {} : { state: shown });
    if (!r.ok) {
      setFailure(r.error.message);
      return false;
    }
    setFailure(null);
    setPage(r.value);
    return true;
  }, []);
  useEffect(() => {
    if (enabled) void read(state);
  }, [enabled, read, state]);

  if (!enabled) return null;

  const total = page ? MAIL_STATES.reduce((n, s) => n + (page.counts[s] ?? 0), 0) : 0;

  const sendAgain = async (m: MailOutboxEntry) => {
    setFailure(null);
    setSaid('');
    const r = await switchboard().emailRetry({ id: m.id });
    tableHeading.current?.focus();
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    setSaid(`Saved: the ${KIND_LABELS[m.kind].toLowerCase()} of ${formatEpoch(m.createdAt)} is sent again.`);
    void read(state);
  };

  return (
    <AdminSection titleId="admin-outbox-title" title="Email outbox" count={total} said={said} failure={failure}>
      {page && !page.mailServer.configured && (
        <p className="notice notice--warn">No mail server is configured on the central store (SWITCHBOARD_SMTP_URL): every mail waits until one is.</p>
      )}
      {page?.mailServer.delivery === 'folder' && (
        <p className="notice">No mail server: the central store writes each mail as a file into its mail folder (SWITCHBOARD_MAIL_DIR) instead of sending it.</p>
      )}
      {page && (
        <dl className="admin__counts" aria-label="Mails by state">
          {MAIL_STATES.map((s) => (
            <div key={s}>
              <dt>{STATE_LABELS[s]}</dt>
              <dd>{page.counts[s] ?? 0}</dd>
            </div>
          ))}
        </dl>
      )}
      <label>
        Show mails
        <select className="input" value={state} onChange={(e) => setState(e.target.value as MailState | '')}>
          <option value="">In every state</option>
          {MAIL_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_LABELS[s]} ({page?.counts[s] ?? 0})
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button button--small" onClick={() => void read(state).then((ok) => ok && setSaid('The outbox is read again.'))}>
        Refresh outbox
      </button>
      <h4 className="admin__heading" id={`${id}-mails`} ref={tableHeading} tabIndex={-1}>
        Mails{state === '' ? '' : `: ${STATE_LABELS[state].toLowerCase()}`}
      </h4>
      {page === null ? (
        failure === null && <p className="muted">Reading the outbox…</p>
      ) : page.mails.length === 0 ? (
        <p className="muted">No mail here.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby={`${id}-mails`}>
          <thead>
            <tr>
              <th scope="col">Mail</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
              <th scope="col">Waiting for / reason</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {page.mails.map((m) => (
              <tr key={m.id}>
                <th scope="row">
                  {KIND_LABELS[m.kind]} {m.reference && <span className="mono">{m.reference}</span>} <span className="muted">({m.language})</span>
                </th>
                <td className="nowrap">{formatEpoch(m.createdAt)}</td>
                <td>{m.state === 'sent' && m.sentAt !== null ? `Sent ${formatEpoch(m.sentAt)}` : STATE_LABELS[m.state]}</td>
                <td>{reasonOf(m)}</td>
                <td>{m.attempts}</td>
                <td className="mono">{m.lastError ?? '—'}</td>
                <td className="nowrap">{m.state === 'pending' && m.nextAttemptAt !== null ? formatEpoch(m.nextAttemptAt) : '—'}</td>
                <td className="admin__actions">
                  {m.state !== 'skipped' && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Read the ${mailName(m)} of ${formatEpoch(m.createdAt)}`}
                      onClick={(event) => setReading({ mail: m, returnTo: event.currentTarget })}
                    >
                      Read
                    </button>
                  )}
                  {m.state === 'failed' && (
                    <button type="button" className="button button--small" aria-label={`Send again: ${KIND_LABELS[m.kind].toLowerCase()} of ${formatEpoch(m.createdAt)}`} onClick={() => void sendAgain(m)}>
                      Send again
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reading && <MailReader mail={reading.mail} returnTo={reading.returnTo} onClose={() => setReading(null)} />}
    </AdminSection>
  );
}
