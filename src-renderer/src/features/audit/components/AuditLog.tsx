import { useEffect, useRef, useState, type RefObject } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditEntry, type AuditQuery } from '../../../../../src-shared/contracts/admin';
import { LOGIN_LIMITS } from '../../../../../src-shared/contracts/server-auth';
import { switchboard } from '../../../api/client';
import { BackButton } from '../../customer/components/ProfilePanels';
import { SelectField, TextField } from '../../../ui/fields';
import { formatEpoch, startOfDay } from '../../../ui/format';
import { AUDIT_ACTION_LABELS } from '../words';
import { useSessionStore } from '../../auth/store';

const PAGE = 100;

/** The filters as typed: dates are whole days in the workstation's calendar, "to" included. */
const filterForm = z
  .object({
    action: z.union([z.enum(AUDIT_ACTIONS), z.literal('')]),
    username: z.string().trim().max(LOGIN_LIMITS.usernameMax, 'That user name is too long.'),
    from: z.string(),
    to: z.string(),
  })
  .refine((f) => f.from === '' || f.to === '' || f.from <= f.to, { message: 'The last day is before the first.', path: ['to'] });
type FilterInput = z.input<typeof filterForm>;
type FilterOutput = z.output<typeof filterForm>;

function toQuery(f: FilterOutput): Omit<AuditQuery, 'limit' | 'before'> {
  const from = startOfDay(f.from);
  const to = startOfDay(f.to, 1);
  return {
    ...(f.action !== '' ? { action: f.action } : {}),
    ...(f.username !== '' ? { username: f.username.toLowerCase() } : {}),
    ...(from !== null ? { from } : {}),
    ...(to !== null ? { to } : {}),
  };
}

type Listing =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'loaded'; entries: AuditEntry[]; nextBefore: number | null; loadingMore: boolean; moreError: string | null };

/**
 * The audit log from the central store, newest first: filters by action, user name and days, and
 * older entries a page at a time.
 */
export function AuditLog() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const storeConfigured = useSessionStore((s) => s.session?.storeConfigured === true);
  if (!storeConfigured) {
    return (
      <section className="audit" aria-labelledby="audit-title">
        <div className="card__head">
          <BackButton />
        </div>
        <h2 id="audit-title" className="admin__title" ref={heading} tabIndex={-1}>
          Audit log
        </h2>
        <p role="alert" className="notice">
          The audit log is kept on the central store, and this workstation works without one.
        </p>
      </section>
    );
  }
  return <AuditEntries heading={heading} />;
}

function AuditEntries({ heading }: { heading: RefObject<HTMLHeadingElement | null> }) {
  const [query, setQuery] = useState<Omit<AuditQuery, 'limit' | 'before'>>({});
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const generation = useRef(0);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<FilterInput, unknown, FilterOutput>({
    resolver: zodResolver(filterForm),
    defaultValues: { action: '', username: '', from: '', to: '' },
    mode: 'onSubmit',
  });

  useEffect(() => {
    let current = true;
    const mine = ++generation.current;
    setListing({ status: 'loading' });
    void switchboard()
      .auditList({ ...query, limit: PAGE })
      .then((r) => {
        if (!current || mine !== generation.current) return;
        setListing(r.ok ? { status: 'loaded', entries: r.value.entries, nextBefore: r.value.nextBefore, loadingMore: false, moreError: null } : { status: 'failed', message: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [query]);

  const loadOlder = () => {
    if (listing.status !== 'loaded' || listing.nextBefore === null || listing.loadingMore) return;
    const mine = generation.current;
    const before = listing.nextBefore;
    setListing({ ...listing, loadingMore: true, moreError: null });
    void switchboard()
      .auditList({ ...query, before, limit: PAGE })
      .then((r) => {
        if (mine !== generation.current) return;
        setListing((shown) => {
          if (shown.status !== 'loaded') return shown;
          if (!r.ok) return { ...shown, loadingMore: false, moreError: r.error.message };
          return { status: 'loaded', entries: [...shown.entries, ...r.value.entries], nextBefore: r.value.nextBefore, loadingMore: false, moreError: null };
        });
      });
  };

  const onSubmit = handleSubmit((filters) => setQuery(toQuery(filters)));
  const count = listing.status === 'loaded' ? listing.entries.length : 0;
  const filtered = Object.keys(query).length > 0;

  return (
    <section className="audit" aria-labelledby="audit-title">
      <div className="card__head">
        <BackButton />
      </div>
      <h2 id="audit-title" className="admin__title" ref={heading} tabIndex={-1}>
        Audit log
      </h2>
      <form className="filters audit__filters" aria-label="Filter the audit log" noValidate onSubmit={(e) => void onSubmit(e)}>
        <SelectField label="Action" registration={register('action')} error={errors.action?.message} optional>
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {AUDIT_ACTION_LABELS[a]}
            </option>
          ))}
        </SelectField>
        <TextField label="User name" registration={register('username')} error={errors.username?.message} optional />
        <TextField label="From" type="date" registration={register('from')} error={errors.from?.message} optional />
        <TextField label="To" type="date" registration={register('to')} error={errors.to?.message} optional />
        <div className="form__actions audit__filter-actions">
          <button type="submit" className="button button--primary">
            Show entries
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              reset();
              setQuery({});
            }}
          >
            Clear filters
          </button>
        </div>
      </form>

      <p role="status" className="muted audit__count">
        {listing.status === 'loading' && 'Reading the audit log…'}
        {listing.status === 'loaded' &&
          `${count === 0 ? 'No entries' : `${count} ${count === 1 ? 'entry' : 'entries'}`}${filtered ? ' match the filters' : ''}${listing.nextBefore !== null ? '; older ones below' : ''}.`}
      </p>
      {listing.status === 'failed' && (
        <p role="alert" className="notice notice--error">
          {listing.message}
        </p>
      )}
      {listing.status === 'loaded' && count > 0 && (
        <table className="orders audit__table" aria-label="Audit entries, newest first">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Who</th>
              <th scope="col">Workstation</th>
              <th scope="col">Subject</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {listing.entries.map((e) => (
              <tr key={e.seq}>
                <td className="nowrap">{formatEpoch(e.at)}</td>
                <td>{AUDIT_ACTION_LABELS[e.action]}</td>
                <td className="mono">{e.username ?? '—'}</td>
                <td>{e.workstationName ?? '—'}</td>
                <td className="ellipsis">{e.subject ?? '—'}</td>
                <td className="prewrap">{e.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {listing.status === 'loaded' && listing.moreError !== null && (
        <p role="alert" className="notice notice--error">
          {listing.moreError}
        </p>
      )}
      {listing.status === 'loaded' && listing.nextBefore !== null && (
        <div className="form__actions">
          <button type="button" className="button" aria-disabled={listing.loadingMore} onClick={loadOlder}>
            {listing.loadingMore ? 'Reading older entries…' : 'Older entries'}
          </button>
        </div>
      )}
    </section>
  );
}
