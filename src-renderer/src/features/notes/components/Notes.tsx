import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { NOTE_LIMITS, noteAddInput } from '../../../../../src-shared/contracts/notes';
import type { TimelineEntry } from '../../../../../src-shared/contracts/customer360';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { formatDateTime } from '../../../ui/format';
import { SaveStatus, TextAreaField, type SaveState } from '../../../ui/fields';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

const noteForm = noteAddInput.pick({ body: true });
type FormInput = z.input<typeof noteForm>;
type FormOutput = z.output<typeof noteForm>;
type NoteEntry = Extract<TimelineEntry, { kind: 'note' }>;

/** Notes on the customer; one taken during a call is linked to it. */
/** `focusRequest`: raised by the "add a note" shortcut; each new value puts the caret in the note. */
export function Notes({ customerId, onChanged, focusRequest = 0 }: { customerId: string; onChanged(): void; focusRequest?: number }) {
  const callId = useAppStore((s) => s.call?.id);
  const [notes, setNotes] = useState<NoteEntry[] | { error: string } | null>(null);
  const [version, setVersion] = useState(0);
  // Notes from other workstations arrive with a sync; reloading the list leaves the note being typed alone.
  const dataVersion = useDataVersion();
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const {
    register,
    handleSubmit,
    watch,
    reset,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm<FormInput, unknown, FormOutput>({ resolver: zodResolver(noteForm), defaultValues: { body: '' } });
  const body = watch('body');
  useEffect(() => {
    if (focusRequest > 0) setFocus('body');
  }, [focusRequest, setFocus]);

  useEffect(() => {
    let current = true;
    void switchboard()
      .customerTimeline({ customerId, kinds: ['note'], limit: 50 })
      .then((r) => {
        if (current) setNotes(r.ok ? r.value.entries.filter((e): e is NoteEntry => e.kind === 'note') : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [customerId, version, dataVersion]);

  const onSubmit = handleSubmit(async ({ body: text }) => {
    setSave({ kind: 'idle' });
    const r = await switchboard().noteAdd({ customerId, body: text, ...(callId ? { callId } : {}) });
    if (!r.ok) {
      setSave({ kind: 'error', message: r.error.message });
      return;
    }
    reset({ body: '' });
    setSave({ kind: 'saved', text: 'Saved: note added' });
    setVersion((v) => v + 1);
    onChanged();
  });

  return (
    <div className="notes">
      <form
        className="form form--wide"
        noValidate
        aria-label="Add note"
        onSubmit={(event) => void onSubmit(event)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void onSubmit();
          }
        }}
      >
        <TextAreaField
          label={callId ? 'Note (linked to this call)' : 'Note'}
          rows={3}
          registration={register('body')}
          error={errors.body?.message}
          maxLength={NOTE_LIMITS.body}
          length={body.length}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting} {...shortcutProps('addNote')}>
            {isSubmitting ? 'Saving…' : 'Add note'}
          </button>
          <span className="form__hint">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> adds · <ShortcutHint id="addNote" /> from anywhere
          </span>
          <SaveStatus state={save} />
        </div>
      </form>
      {notes === null && <p className="muted">Loading notes…</p>}
      {notes !== null && 'error' in notes && (
        <p className="notice notice--error" role="alert">
          {notes.error}
        </p>
      )}
      {notes !== null && !('error' in notes) && notes.length > 0 && (
        <ol className="history" aria-label="Notes, newest first">
          {notes.map((n) => (
            <li key={n.id} className="history__item">
              <span className="history__when">{formatDateTime(n.at)}</span>
              <span className="history__who muted">
                {n.agentId}
                {n.callId ? ' · on a call' : ''}
              </span>
              <span className="history__detail prewrap">{n.body}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
