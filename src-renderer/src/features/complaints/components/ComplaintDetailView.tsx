import { useEffect, useId, useRef, useState } from 'react';
import {
  COMPLAINT_LIMITS,
  type ComplaintDetail,
  type ComplaintEvent,
  type ComplaintStatus,
} from '../../../../../src-shared/contracts/complaints';
import type { Result } from '../../../../../src-shared/result';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { useCan } from '../../auth/store';
import { formatCalendarDate, formatDateTime } from '../../../ui/format';
import { SaveStatus, type SaveState } from '../../../ui/fields';
import { COMPLAINT_STATUS_LABELS } from '../../timeline/components/Timeline';
import { SEVERITY_LABELS } from './ComplaintForm';

function eventText(e: ComplaintEvent): string {
  switch (e.kind) {
    case 'opened':
      return 'Opened';
    case 'status':
      return `${e.fromStatus ? COMPLAINT_STATUS_LABELS[e.fromStatus] : '—'} → ${e.toStatus ? COMPLAINT_STATUS_LABELS[e.toStatus] : '—'}`;
    case 'follow_up':
      return 'Follow-up date';
    case 'note':
      return 'Note';
  }
}

/**
 * A follow-up event's words carry its dates as stored ("Follow up on 2026-12-20", the same text on
 * every workstation and the store); shown in the date format the rest of the screen uses.
 */
function withCalendarDates(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => formatCalendarDate(date));
}

/** One complaint: what it is about, its history, and the next steps its status allows. */
export function ComplaintDetailView({ complaintId, onChanged, onClose }: { complaintId: string; onChanged(): void; onClose(): void }) {
  const id = useId();
  const callId = useAppStore((s) => s.call?.id);
  // Moving a complaint on and follow-ups need complaint.manage; without it the history is read only.
  const canManage = useCan('complaint.manage');
  const [detail, setDetail] = useState<ComplaintDetail | { error: string } | null>(null);
  // Opened (or just logged): focus goes to its heading, so the form that was saved does not leave focus on the page body.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const loaded = detail !== null && !('error' in detail);
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);
  const [resolution, setResolution] = useState('');
  const [note, setNote] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  // Another workstation may move this complaint on; a sync reloads it (its status decides the
  // buttons). What is typed here stays: the follow-up field takes the stored date only while the
  // person has not changed it from the date last loaded.
  const dataVersion = useDataVersion();
  const loadedFollowUp = useRef('');

  useEffect(() => {
    let current = true;
    void switchboard()
      .complaintGet({ complaintId })
      .then((r) => {
        if (!current) return;
        // A failed reload keeps the complaint on screen (and the fields under it); only a first load shows the error.
        setDetail((shown) => (r.ok ? r.value : shown !== null && !('error' in shown) ? shown : { error: r.error.message }));
        if (r.ok) {
          const stored = r.value.followUpOn ?? '';
          const before = loadedFollowUp.current;
          loadedFollowUp.current = stored;
          setFollowUp((typed) => (typed === before ? stored : typed));
        }
      });
    return () => {
      current = false;
    };
  }, [complaintId, dataVersion]);

  const apply = async (request: Promise<Result<ComplaintDetail>>, saved: string) => {
    setBusy(true);
    setSave({ kind: 'idle' });
    const r = await request;
    setBusy(false);
    if (!r.ok) {
      setSave({ kind: 'error', message: r.error.message });
      return;
    }
    setDetail(r.value);
    setResolution('');
    setNote('');
    loadedFollowUp.current = r.value.followUpOn ?? '';
    setFollowUp(loadedFollowUp.current);
    setSave({ kind: 'saved', text: saved });
    onChanged();
  };
  const transition = (to: ComplaintStatus, saved: string) =>
    void apply(
      switchboard().complaintTransition({
        complaintId,
        to,
        ...(to === 'resolved' ? { resolution } : {}),
        ...(note.trim() ? { note } : {}),
        ...(callId ? { callId } : {}),
      }),
      saved,
    );

  if (detail === null) return <p className="muted">Loading complaint…</p>;
  if ('error' in detail)
    return (
      <p className="notice notice--error" role="alert">
        {detail.error}
      </p>
    );
  const can = (s: ComplaintStatus) => detail.allowedTransitions.includes(s);
  return (
    <section className="detail" aria-labelledby={`${id}-title`}>
      <div className="panel__bar">
        <h4 id={`${id}-title`} className="detail__title" ref={headingRef} tabIndex={-1}>
          {detail.categoryLabel} — {COMPLAINT_STATUS_LABELS[detail.status]}
        </h4>
        {/* Only hides these details: the complaint itself is resolved with Resolve below (issue 19, item 12). */}
        <button type="button" className="button button--quiet" onClick={onClose}>
          Hide details
        </button>
      </div>
      <dl className="facts facts--inline">
        <div className="facts__row">
          <dt>Severity</dt>
          <dd>{SEVERITY_LABELS[detail.severity]}</dd>
        </div>
        <div className="facts__row">
          <dt>About</dt>
          <dd>{detail.orderLineLabel ? `${detail.orderNumber ?? ''} · ${detail.orderLineLabel}` : (detail.orderNumber ?? 'No order')}</dd>
        </div>
        <div className="facts__row">
          <dt>Opened</dt>
          <dd>{formatDateTime(detail.openedAt)}</dd>
        </div>
        <div className="facts__row">
          <dt>Follow up</dt>
          <dd>{formatCalendarDate(detail.followUpOn)}</dd>
        </div>
        <div className="facts__row">
          <dt>Description</dt>
          <dd className="prewrap">{detail.description}</dd>
        </div>
        {detail.desiredResolution && (
          <div className="facts__row">
            <dt>Wants</dt>
            <dd className="prewrap">{detail.desiredResolution}</dd>
          </div>
        )}
        {detail.resolution && (
          <div className="facts__row">
            <dt>Resolution</dt>
            <dd className="prewrap">{detail.resolution}</dd>
          </div>
        )}
      </dl>

      {canManage && (
        <div className="lifecycle">
          {can('resolved') && (
            <div className="field field--grow">
              <div className="field__head">
                <label className="field__label" htmlFor={`${id}-resolution`}>
                  Resolution
                </label>
                <span className="field__count" id={`${id}-resolution-count`}>
                  {resolution.length} / {COMPLAINT_LIMITS.resolution} characters
                </span>
              </div>
              <textarea
                id={`${id}-resolution`}
                className="field__input field__input--area"
                rows={2}
                maxLength={COMPLAINT_LIMITS.resolution}
                aria-describedby={`${id}-resolution-count`}
                value={resolution}
                onChange={(e) => setResolution(e.target.value)}
              />
            </div>
          )}
          {can('reopened') && (
            <div className="field field--grow">
              <div className="field__head">
                <label className="field__label" htmlFor={`${id}-note`}>
                  Reason for reopening
                </label>
                <span className="field__count" id={`${id}-note-count`}>
                  {note.length} / {COMPLAINT_LIMITS.transitionNote} characters
                </span>
              </div>
              <textarea
                id={`${id}-note`}
                className="field__input field__input--area"
                rows={2}
                maxLength={COMPLAINT_LIMITS.transitionNote}
                aria-required="true"
                aria-describedby={`${id}-note-count`}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            </div>
          )}
          <div className="lifecycle__actions">
            {can('in_progress') && (
              <button type="button" className="button" disabled={busy} onClick={() => transition('in_progress', 'Saved: work started')}>
                Start work
              </button>
            )}
            {can('resolved') && (
              <button type="button" className="button button--primary" disabled={busy || resolution.trim() === ''} onClick={() => transition('resolved', 'Saved: resolved')}>
                Resolve
              </button>
            )}
            {can('reopened') && (
              <button type="button" className="button" disabled={busy || note.trim() === ''} onClick={() => transition('reopened', 'Saved: reopened')}>
                Reopen
              </button>
            )}
          </div>
          <div className="lifecycle__followup">
            <div className="field">
              <label className="field__label" htmlFor={`${id}-followup`}>
                Follow-up date
              </label>
              <input id={`${id}-followup`} type="date" className="field__input" value={followUp} onChange={(e) => setFollowUp(e.target.value)} />
            </div>
            <button
              type="button"
              className="button"
              disabled={busy || followUp === '' || followUp === (detail.followUpOn ?? '')}
              onClick={() => void apply(switchboard().complaintSetFollowUp({ complaintId, followUpOn: followUp, ...(callId ? { callId } : {}) }), 'Saved: follow-up set')}
            >
              Set follow-up
            </button>
            {detail.followUpOn && (
              <button
                type="button"
                className="button button--quiet"
                disabled={busy}
                onClick={() => void apply(switchboard().complaintSetFollowUp({ complaintId, followUpOn: null, ...(callId ? { callId } : {}) }), 'Saved: follow-up cleared')}
              >
                Clear follow-up
              </button>
            )}
          </div>
          <SaveStatus state={save} />
        </div>
      )}

      <h5 className="detail__sub">History</h5>
      <ol className="history">
        {detail.history.map((e) => (
          <li key={e.id} className="history__item">
            <span className="history__when">{formatDateTime(e.at)}</span>
            <span className="history__what">{eventText(e)}</span>
            <span className="history__who muted">{e.agentId}</span>
            {e.detail && <span className="history__detail prewrap">{e.kind === 'follow_up' ? withCalendarDates(e.detail) : e.detail}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
