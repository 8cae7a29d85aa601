import { useEffect, useId, useState } from 'react';
import { MAIL_TEMPLATE_LIMITS, type MailKind, type MailTemplate } from '../../../../../src-shared/contracts/email';
import { switchboard } from '../../../api/client';
import { useCan } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { SaveStatus, type SaveState } from '../../../ui/fields';
import { AdminSection } from './AdminSection';

const KIND_LABELS: Readonly<Record<MailKind, string>> = {
  order_confirmation: 'Order confirmation',
  complaint_acknowledgement: 'Complaint acknowledgement',
};

const keyOf = (t: { kind: MailKind; language: string }) => `${t.kind}/${t.language}`;

type Draft = { subject: string; text: string; html: string };

/**
 * The customer mail templates the central store sends from (issue 23; admins, email.manage): pick
 * one by kind and language, edit its subject, plain-text and HTML bodies, save. The store refuses
 * a placeholder the kind does not have, naming the part, and saves nothing then.
 */
export function EmailTemplatesSection() {
  const allowed = useCan('email.manage');
  const [templates, setTemplates] = useState<MailTemplate[] | null>(null);
  const [placeholders, setPlaceholders] = useState<Partial<Record<MailKind, string[]>>>({});
  const [chosen, setChosen] = useState('');
  const [draft, setDraft] = useState<Draft>({ subject: '', text: '', html: '' });
  const [failure, setFailure] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const ids = { choose: useId(), subject: useId(), text: useId(), html: useId(), hint: useId() };

  useEffect(() => {
    if (!allowed) return;
    let current = true;
    void switchboard()
      .emailTemplates({})
      .then((r) => {
        if (!current) return;
        if (!r.ok) {
          setFailure(r.error.message);
          return;
        }
        setTemplates(r.value.templates);
        setPlaceholders(r.value.placeholders);
        const first = r.value.templates[0];
        if (first) {
          setChosen(keyOf(first));
          setDraft({ subject: first.subject, text: first.text, html: first.html });
        }
      });
    return () => {
      current = false;
    };
  }, [allowed]);

  if (!allowed) return null;
  const template = templates?.find((t) => keyOf(t) === chosen);

  const choose = (key: string) => {
    setChosen(key);
    setSave({ kind: 'idle' });
    setFieldError(null);
    const t = templates?.find((x) => keyOf(x) === key);
    if (t) setDraft({ subject: t.subject, text: t.text, html: t.html });
  };

  const submit = async () => {
    if (!template) return;
    setBusy(true);
    setSave({ kind: 'idle' });
    setFieldError(null);
    const r = await switchboard().emailSaveTemplate({ kind: template.kind, language: template.language, ...draft });
    setBusy(false);
    if (!r.ok) {
      // The store names the part (its sentence starts "html: …"; the proxy forwards the sentence, not always the field).
      const field = r.error.field ?? /^(subject|text|html): /.exec(r.error.message)?.[1];
      if (field === 'subject' || field === 'text' || field === 'html') setFieldError({ field, message: r.error.message });
      else setSave({ kind: 'error', message: r.error.message });
      return;
    }
    setTemplates((all) => (all ?? []).map((t) => (keyOf(t) === keyOf(r.value) ? r.value : t)));
    setSave({ kind: 'saved', text: `Saved: ${KIND_LABELS[r.value.kind].toLowerCase()} in ${r.value.language}.` });
  };

  const errorFor = (field: keyof Draft) =>
    fieldError?.field === field ? (
      <p id={`${ids[field]}-error`} className="field__error">
        {fieldError.message}
      </p>
    ) : null;
  const describedBy = (field: keyof Draft) => [ids.hint, fieldError?.field === field ? `${ids[field]}-error` : null].filter(Boolean).join(' ');

  return (
    <AdminSection titleId="admin-email-title" title="Email templates" count={templates?.length ?? 0} said="" failure={failure}>
      {templates === null && failure === null && <p className="muted">Reading templates…</p>}
      {templates !== null && (
        <form
          className="form admin__form"
          aria-label="Email template"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="field">
            <label htmlFor={ids.choose} className="field__label">
              Template
            </label>
            <select id={ids.choose} className="field__input" value={chosen} onChange={(e) => choose(e.target.value)}>
              {templates.map((t) => (
                <option key={keyOf(t)} value={keyOf(t)}>
                  {KIND_LABELS[t.kind]} — {t.language}
                  {t.edited ? ' (edited)' : ''}
                </option>
              ))}
            </select>
          </div>
          {template && (
            <>
              <p id={ids.hint} className="field__hint">
                Placeholders: {(placeholders[template.kind] ?? []).map((p) => `{{${p}}}`).join(', ')}. Values are escaped in the HTML.
                {template.updatedAt !== null && ` Last saved ${formatEpoch(template.updatedAt)} by ${template.updatedBy ?? 'an admin'}.`}
              </p>
              <div className="field">
                <label htmlFor={ids.subject} className="field__label">
                  Subject
                </label>
                <input
                  id={ids.subject}
                  className="field__input"
                  value={draft.subject}
                  maxLength={MAIL_TEMPLATE_LIMITS.subject}
                  aria-invalid={fieldError?.field === 'subject' ? true : undefined}
                  aria-describedby={describedBy('subject')}
                  onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
                />
                {errorFor('subject')}
              </div>
              <div className="field">
                <label htmlFor={ids.text} className="field__label">
                  Plain-text body
                </label>
                <textarea
                  id={ids.text}
                  className="field__input field__input--area"
                  rows={8}
                  value={draft.text}
                  maxLength={MAIL_TEMPLATE_LIMITS.text}
                  aria-invalid={fieldError?.field === 'text' ? true : undefined}
                  aria-describedby={describedBy('text')}
                  onChange={(e) => setDraft({ ...draft, text: e.target.value })}
                />
                {errorFor('text')}
              </div>
              <div className="field">
                <label htmlFor={ids.html} className="field__label">
                  HTML body
                </label>
                <textarea
                  id={ids.html}
                  className="field__input field__input--area mono"
                  rows={8}
                  value={draft.html}
                  maxLength={MAIL_TEMPLATE_LIMITS.html}
                  aria-invalid={fieldError?.field === 'html' ? true : undefined}
                  aria-describedby={describedBy('html')}
                  onChange={(e) => setDraft({ ...draft, html: e.target.value })}
                />
                {errorFor('html')}
              </div>
              <div className="form__actions">
                <button type="submit" className="button button--primary" disabled={busy}>
                  Save template
                </button>
                <SaveStatus state={save} />
              </div>
            </>
          )}
        </form>
      )}
    </AdminSection>
  );
}
