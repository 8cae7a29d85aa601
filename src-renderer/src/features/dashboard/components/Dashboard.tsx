/**
 * The supervisor dashboard (issue 22): the figures of a period for a team or a CSR, each a button
 * opening the rows behind it, charts with their tables, and the tie-out line. Online the numbers
 * come from the store (report:dashboard) and the cache's numbers for the same filter are compared
 * with them; when the store is unreachable they come from this workstation's cache, "as of" the
 * last sync. A CSR sees only their own figures ("My figures"); the channels enforce it, the
 * screen only does not offer more.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Dashboard as DashboardAnswer, MetricFigure, ReportFilter } from '../../../../../src-shared/contracts/reports';
import { REPORT_LIMITS } from '../../../../../src-shared/contracts/reports';
import { ORDER_CHANNELS } from '../../../../../src-shared/domain/customer';
import { SELLING_CURRENCIES } from '../../../../../src-shared/domain/product';
import { switchboard } from '../../../api/client';
import { formatCalendarDate, formatDateTime } from '../../../ui/format';
import { useAppStore } from '../../../app/store';
import { useSessionStore } from '../../auth/store';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { reports } from '../api';
import { countFormat, TIE_OUT_METRICS, utcDay } from '../format';
import { Charts, type OpenCell } from './Charts';
import { DrillDown, type DrillTarget } from './DrillDown';
import { FigureTile } from './Figures';

interface FilterForm {
  from: string;
  to: string;
  /** '' before the first answer (the channel picks the first team, or every team for an admin), or "every team". */
  team: string;
  csr: string;
  channel: string;
  campaign: string;
  currency: string;
  compare: boolean;
}

const CHANNEL_LABELS: Record<string, string> = { web: 'Web', phone: 'Phone', store: 'Store' };
const DEBOUNCE_MS = 300;

/**
 * Kept while the workspace lives, so coming back from a customer opened in a drill-down shows the
 * same view; forgotten with the workspace (clearWorkspace) and never shown to another user.
 */
let remembered: { username: string; form: FilterForm } | null = null;

export function forgetDashboardFilter(): void {
  remembered = null;
}

function defaultForm(csr: string): FilterForm {
  return { from: utcDay(-29), to: utcDay(0), team: '', csr, channel: '', campaign: '', currency: SELLING_CURRENCIES[0], compare: false };
}

function toFilter(form: FilterForm): ReportFilter {
  const campaign = form.campaign.trim();
  return {
    from: form.from,
    to: form.to,
    ...(form.team !== '' ? { team: form.team } : {}),
    ...(form.csr !== '' ? { csr: form.csr } : {}),
    ...(form.channel !== '' ? { channel: form.channel as ReportFilter['channel'] } : {}),
    ...(campaign !== '' ? { campaign } : {}),
    currency: form.currency as ReportFilter['currency'],
  };
}

function formProblem(form: FilterForm): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.from) || !/^\d{4}-\d{2}-\d{2}$/.test(form.to)) return 'Give a From and a To date.';
  if (form.from > form.to) return 'The period ends before it starts: To is before From.';
  const days = (Date.parse(`${form.to}T00:00:00Z`) - Date.parse(`${form.from}T00:00:00Z`)) / 86_400_000;
  if (days >= REPORT_LIMITS.maxDays) return `A period of at most ${REPORT_LIMITS.maxDays} days.`;
  return null;
}

type TieOut =
  | { kind: 'agrees'; text: string }
  | { kind: 'differs'; text: string }
  | { kind: 'unknown'; text: string };

function compareCounts(store: DashboardAnswer, cache: DashboardAnswer): TieOut {
  const value = (d: DashboardAnswer, id: string) => d.metrics.find((m) => m.id === id)?.value ?? null;
  const same: string[] = [];
  const differ: string[] = [];
  for (const { id, noun } of TIE_OUT_METRICS) {
    const s = value(store, id);
    const c = value(cache, id);
    if (s === c) same.push(`${s === null ? 'no data on' : countFormat.format(s)} ${noun}`);
    else differ.push(`${noun}: ${s === null ? 'no data' : countFormat.format(s)} in the store, ${c === null ? 'no data' : countFormat.format(c)} in the cache`);
  }
  if (differ.length === 0) return { kind: 'agrees', text: `Tie-out: the cache agrees with the store for this period: ${same.join(', ')}.` };
  // The cache knows a team's members from the roster synced from the store (team_roster): a CSR
  // the store lists and the cache does not yet (a roster change not pulled yet) is left out of its
  // team figures until the next sync brings the change.
  const known = new Set(cache.scope.csrs.map((c) => c.username));
  const unknown = store.scope.csrs.filter((c) => !known.has(c.username) && (store.filter.csr === null || store.filter.csr === c.username));
  const why =
    unknown.length > 0 && store.filter.csr === null
      ? ` This workstation’s cache does not know ${unknown.length === 1 ? 'one CSR' : `${unknown.length} CSRs`} in view (${unknown
          .slice(0, 5)
          .map((c) => c.displayName)
          .join(', ')}${unknown.length > 5 ? '…' : ''}: not yet in its copy of the team roster), so its team figures leave their records out until the next sync.`
      : '';
  return { kind: 'differs', text: `Tie-out: the cache differs from the store for this period (${differ.join('; ')}).${why}` };
}

interface View {
  answer: DashboardAnswer;
  source: 'store' | 'cache';
  /** Why the store was not used, when the answer is the cache's. */
  offlineReason: string | null;
  compared: boolean;
}

export function Dashboard() {
  const user = useSessionStore((s) => (s.session?.state === 'signed_in' ? s.session.user : null));
  const isCsr = user?.role === 'csr';
  const ownName = user?.username ?? '';
  const [form, setForm] = useState<FilterForm>(() => (remembered !== null && remembered.username === ownName ? remembered.form : defaultForm(isCsr ? ownName : '')));
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tieOut, setTieOut] = useState<TieOut | null>(null);
  const [repull, setRepull] = useState<string | null>(null);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [generation, setGeneration] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const request = useRef(0);
  const formId = useId();
  const problem = formProblem(form);
  // Rows pulled from the store change what the cache counts: the figures and the tie-out are asked
  // again when they land — but not for every page of a first copy (or a re-pull), only once it is in.
  const copying = useAppStore((s) => s.syncStatus?.initialSync ?? null);
  const dataVersion = useDataVersion();
  const [settledVersion, setSettledVersion] = useState(dataVersion);
  useEffect(() => {
    if (copying === null) setSettledVersion(dataVersion);
  }, [copying, dataVersion]);

  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    remembered = { username: ownName, form };
  }, [form, ownName]);

  const load = useCallback(async (f: FilterForm) => {
    const mine = ++request.current;
    const filter = toFilter(f);
    const input = { filter, compare: f.compare };
    setLoading(true);
    const online = await reports.dashboard(input, 'store');
    if (mine !== request.current) return;
    if (online.ok) {
      setView({ answer: online.value, source: 'store', offlineReason: null, compared: f.compare });
      setError(null);
      setLoading(false);
      setTieOut({ kind: 'unknown', text: 'Tie-out: comparing the cache with the store…' });
      const local = await reports.dashboard(input, 'cache');
      if (mine !== request.current) return;
      setTieOut(local.ok ? compareCounts(online.value, local.value) : { kind: 'unknown', text: `Tie-out: the cache could not be read (${local.error.message}).` });
      return;
    }
    if (online.error.code !== 'unavailable') {
      setLoading(false);
      setError(online.error.message);
      setView(null);
      setTieOut(null);
      return;
    }
    const local = await reports.dashboard(input, 'cache');
    if (mine !== request.current) return;
    setLoading(false);
    setTieOut(null);
    if (local.ok) {
      setView({ answer: local.value, source: 'cache', offlineReason: online.error.message, compared: f.compare });
      setError(null);
    } else {
      setView(null);
      setError(local.error.message);
    }
  }, []);

  useEffect(() => {
    if (problem !== null) return;
    const timer = window.setTimeout(() => void load(form), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [form, problem, load, generation, settledVersion]);

  // The first answer names the team the channel chose (the first of the user's, or every team for an admin).
  const answeredTeam = view?.answer.filter.team ?? null;
  useEffect(() => {
    if (form.team === '' && answeredTeam !== null) setForm((f) => (f.team === '' ? { ...f, team: answeredTeam } : f));
  }, [answeredTeam, form.team]);

  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const rePull = async () => {
    setRepull('Asking the store to compare the cache…');
    const r = await switchboard().syncCheck({});
    if (!r.ok) setRepull(`Re-pull not started: ${r.error.message}`);
    else if (r.value.skipped !== null) setRepull(`Re-pull not started: ${r.value.skipped}`);
    else if (r.value.repulling.length > 0) setRepull(`Re-pulling ${r.value.repulling.join(', ')} from the store; the figures are asked again.`);
    else setRepull('The cache’s tables match the store’s; the figures are asked again.');
    setGeneration((g) => g + 1);
  };

  const answer = view?.answer ?? null;
  const scope = answer?.scope ?? null;
  const filter = answer ? toFilter(form) : null;

  const openFigure = (figure: MetricFigure, button: HTMLButtonElement) => {
    if (!view || !filter) return;
    setDrill({ metricId: figure.id, title: figure.label, unit: figure.unit, key: {}, filter: toFilter(form), source: view.source, returnTo: button });
  };
  const openCell: OpenCell = (metricId, title, unit, key, button) => {
    if (!view) return;
    setDrill({ metricId, title, unit, key, filter: toFilter(form), source: view.source, returnTo: button });
  };

  const title = isCsr ? 'My figures' : 'Dashboard';
  const csrs = scope ? (isCsr ? scope.csrs.filter((c) => c.username === ownName) : scope.csrs.filter((c) => form.team === '' || c.teams.includes(form.team))) : [];

  return (
    <section className="card dash" aria-labelledby="dash-heading">
      <header className="card__title">
        <h2 id="dash-heading" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
      </header>

      <form className="dash-filters" aria-label="Dashboard filters" id={formId} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-from`}>
            From
          </label>
          <input id={`${formId}-from`} className="field__input" type="date" value={form.from} max={form.to || undefined} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-to`}>
            To
          </label>
          <input id={`${formId}-to`} className="field__input" type="date" value={form.to} min={form.from || undefined} onChange={(e) => set('to', e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-team`}>
            Team
          </label>
          <select
            id={`${formId}-team`}
            className="field__input"
            value={form.team}
            disabled={scope === null}
            onChange={(e) => setForm((f) => ({ ...f, team: e.target.value, csr: isCsr ? f.csr : '' }))}
          >
            {(scope === null || form.team === '') && !scope?.allTeams && <option value="">{scope === null ? 'Loading teams…' : 'My first team'}</option>}
            {scope?.allTeams && <option value="">Every team</option>}
            {scope?.teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-csr`}>
            CSR
          </label>
          <select id={`${formId}-csr`} className="field__input" value={form.csr} disabled={scope === null} onChange={(e) => set('csr', e.target.value)}>
            {!isCsr && <option value="">Every CSR</option>}
            {isCsr && csrs.length === 0 && <option value={ownName}>{user?.displayName ?? ownName}</option>}
            {csrs.map((c) => (
              <option key={c.username} value={c.username}>
                {c.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-channel`}>
            Channel
          </label>
          <select id={`${formId}-channel`} className="field__input" value={form.channel} onChange={(e) => set('channel', e.target.value)}>
            <option value="">Every channel</option>
            {ORDER_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c] ?? c}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-campaign`}>
            Campaign code
          </label>
          <input
            id={`${formId}-campaign`}
            className="field__input"
            value={form.campaign}
            maxLength={REPORT_LIMITS.campaign}
            autoComplete="off"
            onChange={(e) => set('campaign', e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-currency`}>
            Currency
          </label>
          <select id={`${formId}-currency`} className="field__input" value={form.currency} onChange={(e) => set('currency', e.target.value)}>
            {SELLING_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="field dash-filters__check">
          <input id={`${formId}-compare`} type="checkbox" checked={form.compare} onChange={(e) => set('compare', e.target.checked)} />
          <label htmlFor={`${formId}-compare`}>Compare with the previous period</label>
        </div>
      </form>

      {problem !== null && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <p className="muted dash-loading" aria-live="polite">
        {loading ? 'Asking for the figures…' : ''}
      </p>

      {view !== null && answer !== null && (
        <>
          <p className="dash-period">
            {formatCalendarDate(answer.filter.from)} to {formatCalendarDate(answer.filter.to)}
            {answer.filter.team !== null ? `, team ${answer.filter.team}` : scope?.allTeams ? ', every team' : ''}
            {answer.filter.csr !== null ? `, ${scope?.csrs.find((c) => c.username === answer.filter.csr)?.displayName ?? answer.filter.csr}` : ''}
            {answer.previousPeriod !== null && `; compared with ${formatCalendarDate(answer.previousPeriod.from)} to ${formatCalendarDate(answer.previousPeriod.to)}`}
          </p>
          {view.source === 'cache' ? (
            <p className="notice notice--warn dash-offline" role="status">
              {answer.asOf === null
                ? 'Offline: figures from this workstation’s cache, which has never synced with the store.'
                : `Offline: figures as of ${formatDateTime(answer.asOf)} (the last sync).`}{' '}
              {view.offlineReason}
            </p>
          ) : (
            tieOut !== null && (
              <div className={`dash-tieout dash-tieout--${tieOut.kind}`}>
                <p role="status">
                  {copying !== null
                    ? `Tie-out: this workstation is still copying the store’s data (${countFormat.format(copying.done)} of ${countFormat.format(copying.total)} rows); its cache is compared with the store once the copy is in.`
                    : tieOut.text}
                </p>
                {tieOut.kind !== 'unknown' && copying === null && (
                  <button type="button" className="button button--small" onClick={() => void rePull()}>
                    Re-pull from the store
                  </button>
                )}
                <p role="status" className="muted">
                  {repull}
                </p>
              </div>
            )
          )}
          <h3 className="panel__title" id="dash-figures-title">
            Figures
          </h3>
          <ul className="dash-figures" aria-labelledby="dash-figures-title">
            {answer.metrics.map((m) => (
              <FigureTile key={m.id} figure={m} currency={answer.filter.currency} comparing={view.compared && answer.previousPeriod !== null} onOpen={openFigure} />
            ))}
          </ul>
          <Charts dashboard={answer} open={openCell} />
        </>
      )}
      {drill !== null && <DrillDown key={`${drill.metricId}:${JSON.stringify(drill.key)}`} target={drill} onClose={() => setDrill(null)} />}
    </section>
  );
}
