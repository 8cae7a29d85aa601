import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  newWebhookEndpoint,
  WEBHOOK_EVENTS,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookEventKind,
} from '../../../../../src-shared/contracts/webhooks';
import { switchboard } from '../../../api/client';
import { useCan, useSessionStore } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

const EVENT_LABELS: Readonly<Record<WebhookEventKind, string>> = {
  'complaint.logged': 'A complaint is logged',
  'complaint.resolved': 'A complaint is resolved',
  'order.confirmed': 'An order is confirmed',
  'customer.erased': 'A customer is erased',
};

const STATE_LABELS: Readonly<Record<WebhookDeliveryView['state'], string>> = { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' };

/** How often the delivery log is read again while the screen is open (deliveries happen in the background). */
const LOG_REFRESH_MS = 5000;

type Created = WebhookEndpointView & { secret: string };
type FieldErrors = { url?: string; events?: string };

/** A store or contract message that names a field ("url: …", "events: …") belongs under that field. */
function fieldOf(message: string, field?: string): keyof FieldErrors | null {
  const named = field ?? /^(\w+)(?:\[\d*\])?:/.exec(message)?.[1];
  return named === 'url' || named === 'events' ? named : null;
}

/**
 * Outbound webhooks (issue 23; integrations.manage, admins): the endpoints the store sends events
 * to, registering one (its signing secret shown this once, with a copy button), disabling one, and
 * the delivery log with Replay per delivery. The log is read again every few seconds.
 */
export function WebhooksSection() {
  const canManage = useCan('integrations.manage');
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  const enabled = canManage && storeConfigured;
  const id = useId();
  const [endpoints, setEndpoints] = useState<WebhookEndpointView[] | null>(null);
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventKind[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const secretField = useRef<HTMLInputElement>(null);
  const urlField = useRef<HTMLInputElement>(null);
  const firstEvent = useRef<HTMLInputElement>(null);
  const endpointsHeading = useRef<HTMLHeadingElement>(null);
  const logHeading = useRef<HTMLHeadingElement>(null);

  const readEndpoints = useCallback(async () => {
    const r = await switchboard().webhookList({});
    if (r.ok) setEndpoints(r.value);
    else setFailure(r.error.message);
  }, []);
  const readLog = useCallback(async () => {
    const r = await switchboard().webhookDeliveries({});
    if (r.ok) setDeliveries(r.value);
    else setFailure(r.error.message);
  }, []);

  useEffect(() => {
    if (!enabled) return;
    void readEndpoints();
    void readLog();
    const timer = window.setInterval(() => void readLog(), LOG_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [enabled, readEndpoints, readLog]);
  useEffect(() => {
    if (created) secretField.current?.focus();
  }, [created]);

  if (!enabled) return null;

  const urlOf = (endpointId: string) => endpoints?.find((e) => e.id === endpointId)?.url ?? endpointId;

  const showErrors = (found: FieldErrors) => {
    setErrors(found);
    if (found.url) urlField.current?.focus();
    else if (found.events) firstEvent.current?.focus();
  };

  const register = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setFailure(null);
    setSaid('');
    const parsed = newWebhookEndpoint.safeParse({ url, events });
    if (!parsed.success) {
      const found: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = fieldOf(issue.message, String(issue.path[0] ?? ''));
        if (field && !found[field]) found[field] = issue.message.replace(/^\w+(\[\d*\])?: /, '');
      }
      if (!found.url && !found.events) found.url = parsed.error.issues[0]?.message ?? 'Check the address.';
      showErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    const r = await switchboard().webhookCreate(parsed.data);
    setBusy(false);
    if (!r.ok) {
      const field = fieldOf(r.error.message, r.error.field);
      if (field) showErrors({ [field]: r.error.message.replace(/^\w+(\[\d*\])?: /, '') });
      else setFailure(r.error.message);
      return;
    }
    setCreated(r.value);
    setUrl('');
    setEvents([]);
    setSaid(`Saved: webhook to ${r.value.url} registered. Copy its signing secret now: it is not shown again.`);
    void readEndpoints();
  };

  const disable = async (endpoint: WebhookEndpointView) => {
    setFailure(null);
    setSaid('');
    const r = await switchboard().webhookDisable({ endpointId: endpoint.id });
    setConfirming(null);
    endpointsHeading.current?.focus();
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    setSaid(`Saved: the webhook to ${endpoint.url} is disabled; nothing more is sent to it.`);
    void readEndpoints();
  };

  const replay = async (d: WebhookDeliveryView) => {
    setFailure(null);
    setSaid('');
    const r = await switchboard().webhookReplay({ deliveryId: d.id });
    // The replayed delivery moves to the top of the log: focus its heading, then the status says what happened.
    logHeading.current?.focus();
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    setSaid(`Replaying ${d.event} to ${urlOf(d.endpointId)}: it is sent again now.`);
    void readLog();
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

  const hideSecret = () => {
    setCreated(null);
    urlField.current?.focus();
  };

  const urlError = `${id}-url-error`;
  const eventsError = `${id}-events-error`;

  return (
    <AdminSection titleId="admin-webhooks-title" title="Webhooks" count={endpoints?.length ?? 0} said={said} failure={failure}>
      {created && (
        <div className="notice" role="group" aria-labelledby={`${id}-secret-label`}>
          <p id={`${id}-secret-label`}>
            Signing secret of the webhook to <strong>{created.url}</strong>: the receiver checks X-Switchboard-Signature with it. It is shown this once.
          </p>
          <label>
            Signing secret
            <input ref={secretField} className="input mono" readOnly value={created.secret} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" className="button button--small" onClick={() => void copy()}>
            Copy secret
          </button>
          <button type="button" className="button button--small" onClick={hideSecret}>
            Done, hide the secret
          </button>
        </div>
      )}
      <form className="admin__form" aria-label="New webhook" noValidate onSubmit={(e) => void register(e)}>
        <label>
          Receiver URL
          <input
            ref={urlField}
            className="input"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-required="true"
            aria-invalid={errors.url ? true : undefined}
            aria-describedby={errors.url ? urlError : undefined}
            placeholder="https://tools.example.com/switchboard"
          />
        </label>
        {errors.url && (
          <p id={urlError} className="field__error">
            {errors.url}
          </p>
        )}
        <fieldset className="fieldset admin__teams" aria-describedby={errors.events ? eventsError : undefined} aria-invalid={errors.events ? true : undefined}>
          <legend>Events to send</legend>
          {WEBHOOK_EVENTS.map((kind, i) => (
            <label key={kind} className="check">
              <input
                ref={i === 0 ? firstEvent : undefined}
                type="checkbox"
                checked={events.includes(kind)}
                onChange={(e) => setEvents((now) => (e.target.checked ? [...now, kind] : now.filter((k) => k !== kind)))}
              />
              {EVENT_LABELS[kind]} <span className="mono">({kind})</span>
            </label>
          ))}
          {errors.events && (
            <p id={eventsError} className="field__error">
              {errors.events}
            </p>
          )}
        </fieldset>
        <button type="submit" className="button" aria-disabled={busy}>
          Register webhook
        </button>
      </form>

      <h4 className="admin__heading" id={`${id}-endpoints`} ref={endpointsHeading} tabIndex={-1}>
        Endpoints
      </h4>
      {endpoints === null ? (
        <p className="muted">Reading webhooks…</p>
      ) : endpoints.length === 0 ? (
        <p className="muted">No webhook yet.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby={`${id}-endpoints`}>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Registered</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((w) => (
              <tr key={w.id}>
                <th scope="row" className="admin__name mono">
                  {w.url}
                </th>
                <td className="mono">{w.events.join(', ')}</td>
                <td className="nowrap">{formatEpoch(w.createdAt)}</td>
                <td>{w.active ? 'Active' : `Disabled ${w.disabledAt === null ? '' : formatEpoch(w.disabledAt)}`}</td>
                <td className="admin__actions">
                  {w.active &&
                    (confirming === w.id ? (
                      <>
                        <button type="button" className="button button--small button--danger" aria-label={`Confirm: disable the webhook to ${w.url}`} autoFocus onClick={() => void disable(w)}>
                          Disable now
                        </button>
                        <button type="button" className="button button--small" aria-label={`Keep the webhook to ${w.url}`}
                          onClick={() => {
                            setConfirming(null);
                            endpointsHeading.current?.focus();
                          }}
                        >
                          Keep
                        </button>
                      </>
                    ) : (
                      <button type="button" className="button button--small" aria-label={`Disable the webhook to ${w.url}`} onClick={() => setConfirming(w.id)}>
                        Disable
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h4 className="admin__heading" id={`${id}-log`} ref={logHeading} tabIndex={-1}>
        Delivery log <span className="panel__count">({deliveries?.length ?? 0})</span>
      </h4>
      <button type="button" className="button button--small" onClick={() => void readLog()}>
        Refresh delivery log
      </button>
      {deliveries === null ? (
        <p className="muted">Reading the delivery log…</p>
      ) : deliveries.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <table className="orders admin__table" aria-labelledby={`${id}-log`}>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Endpoint</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <th scope="row" className="mono">
                  {d.event}
                </th>
                <td className="mono">{urlOf(d.endpointId)}</td>
                <td>{STATE_LABELS[d.state]}</td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? '—'}</td>
                <td className="nowrap">{d.state === 'pending' ? formatEpoch(d.nextAttemptAt) : d.state === 'delivered' ? `Delivered ${formatEpoch(d.deliveredAt)}` : '—'}</td>
                <td className="admin__actions">
                  <button type="button" className="button button--small" aria-label={`Replay ${d.event} to ${urlOf(d.endpointId)} (${formatEpoch(d.createdAt)})`} onClick={() => void replay(d)}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminSection>
  );
}
