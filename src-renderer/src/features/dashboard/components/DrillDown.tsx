/**
 * The rows behind a number (issue 22): a modal dialog listing the calls, complaints, offers or
 * orders the clicked figure counts, paged and sortable, each able to open its customer, with a
 * line saying how they add up to the figure and an export of the same rows as CSV. Focus moves
 * into the dialog; Esc or Close returns it to the figure that was clicked.
 */
import { useEffect, useRef, useState } from 'react';
import type { DrillDownPage, ReportFilter } from '../../../../../src-shared/contracts/reports';
import type { MetricUnit } from '../../../../../src-shared/domain/metric-language';
import { useAppStore } from '../../../app/store';
import { useCan } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { formatMoney } from '../../lookup/format';
import { reports, type DrillDownRequest } from '../api';
import { aggregateKind, countFormat, formatDuration, formatValue, rowsNoun } from '../format';

export interface DrillTarget {
  metricId: string;
  /** "Calls handled", or "Calls handled, Ana, 3 Nov" for a cell of a table. */
  title: string;
  unit: MetricUnit;
  key: DrillDownRequest['key'];
  filter: ReportFilter;
  source: 'store' | 'cache';
  /** Where focus goes back to on close. */
  returnTo: HTMLElement | null;
}

const PAGE_SIZE = 50;

type Sort = { field: string; dir: 'asc' | 'desc' } | undefined;

function formatField(field: string, value: string | number | null, currency: string): string {
  if (value === null) return '—';
  if (typeof value === 'number') {
    if (/At$/.test(field)) return formatEpoch(value);
    if (/Ms$/.test(field)) return formatDuration(value);
    if (/Cents$/.test(field)) return formatMoney(value, currency);
    return countFormat.format(value);
  }
  return value;
}

/** The sentence that ties the rows to the figure, from the components the answer carries. */
function addsUp(page: DrillDownPage, currency: string): { text: string; agrees: boolean } {
  const noun = rowsNoun(page.metricId);
  const value = formatValue(page.unit, page.value, currency);
  const [first = 0, second = 0] = page.components;
  const rows = countFormat.format(page.total);
  switch (aggregateKind(page.metricId)) {
    case 'count':
      return {
        text: `These ${rows} ${noun} add up to the figure: ${page.label} = ${value}.`,
        agrees: page.value === page.total,
      };
    case 'sum':
      return { text: `The parts of these ${rows} ${noun} add up to ${formatValue(page.unit, first, currency)}: ${page.label} = ${value}.`, agrees: page.value === first };
    case 'average':
      return {
        text: `The parts of these ${rows} ${noun} add up to ${formatValue(page.unit, first, currency)}; divided by ${rows} that is ${value}, the figure.`,
        agrees: second === page.total,
      };
    case 'ratio':
      return {
        text: `${countFormat.format(first)} of these ${rows} ${noun} count towards it: ${countFormat.format(first)} ÷ ${rows} = ${value}, the figure.`,
        agrees: second === page.total,
      };
    default:
      return { text: `${rows} ${noun} behind ${page.label} (${value}).`, agrees: true };
  }
}

export function DrillDown({ target, onClose }: { target: DrillTarget; onClose(): void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [sort, setSort] = useState<Sort>(undefined);
  const [page, setPage] = useState(0);
  const [answer, setAnswer] = useState<DrillDownPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const currency = target.filter.currency;
  const canExport = useCan('data.export');

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    let current = true;
    setError(null);
    void reports
      .drillDown({ filter: target.filter, metricId: target.metricId, key: target.key, sort, page, pageSize: PAGE_SIZE }, target.source)
      .then((r) => {
        if (!current) return;
        if (r.ok) setAnswer(r.value);
        else setError(r.error.message);
      });
    return () => {
      current = false;
    };
  }, [target, sort, page]);

  const close = () => dialogRef.current?.close();
  const sortBy = (field: string) => {
    setSort((s) => (s?.field === field ? { field, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { field, dir: 'asc' }));
    setPage(0);
  };
  const exportCsv = async () => {
    setExporting(true);
    setExported(null);
    const r = await reports.exportCsv({ filter: target.filter, metricId: target.metricId, key: target.key });
    setExporting(false);
    setExported(r.ok ? `Exported ${countFormat.format(r.value.rows)} rows (every page, in the default order) to ${r.value.path}.` : `Not exported: ${r.error.message}`);
  };

  const noun = rowsNoun(target.metricId);
  const first = answer ? answer.page * answer.pageSize + 1 : 0;
  const last = answer ? Math.min(answer.total, first + answer.rows.length - 1) : 0;
  const pages = answer ? Math.max(1, Math.ceil(answer.total / answer.pageSize)) : 1;
  const tie = answer ? addsUp(answer, currency) : null;
  const pageParts = answer ? answer.rows.reduce((s, r) => s + r.part, 0) : 0;
  // The customer's id is what "Open customer" opens; its own column would only repeat it as a UUID.
  const columns = answer ? answer.columns.filter((c) => c.field !== 'customerId') : [];

  return (
    <dialog
      ref={dialogRef}
      className="drill"
      aria-labelledby="drill-title"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          // Handled here so the desk's own Esc (back to the results) does not run as well.
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      }}
      onClose={() => {
        onClose();
        const back = target.returnTo;
        if (back?.isConnected) back.focus();
      }}
    >
      <div className="drill__bar">
        <h2 id="drill-title" ref={headingRef} tabIndex={-1}>
          The {noun} behind {target.title}
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
      {answer === null && error === null && <p className="muted">Loading the {noun}…</p>}
      {answer !== null && tie !== null && (
        <>
          <p className={tie.agrees ? 'drill__tie' : 'drill__tie drill__tie--off'} role="status">
            {tie.text}
            {!tie.agrees && ' They do not match: re-pull from the store and ask again.'}
            {answer.rows.length > 0 && ` This page’s rows add ${formatValue(answer.unit === 'ratio' ? 'count' : answer.unit, pageParts, currency)}.`}
          </p>
          <div className="drill__tools">
            <p className="drill__range" aria-live="polite">
              {answer.total === 0 ? `No ${noun}.` : `Rows ${countFormat.format(first)}–${countFormat.format(last)} of ${countFormat.format(answer.total)}`}
            </p>
            <button type="button" className="button button--small" disabled={answer.page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
              Previous page
            </button>
            <button type="button" className="button button--small" disabled={answer.page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
              Next page
            </button>
            {canExport && (
              <button type="button" className="button button--small" disabled={exporting || answer.total === 0} onClick={() => void exportCsv()}>
                Export CSV
              </button>
            )}
          </div>
          <p role="status" className="drill__exported">
            {exported}
          </p>
          <div className="drill__scroll">
            <table className="dash-table">
              <caption>
                The {noun} behind {target.title}, page {answer.page + 1} of {pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  {columns.map((c) => (
                    <th
                      key={c.field}
                      scope="col"
                      aria-sort={sort?.field === c.field ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      <button type="button" className="drill__sort" onClick={() => sortBy(c.field)}>
                        {c.label}
                        <span aria-hidden="true">{sort?.field === c.field ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                      </button>
                    </th>
                  ))}
                  <th scope="col">Adds</th>
                </tr>
              </thead>
              <tbody>
                {answer.rows.map((row) => (
                  <tr key={row.id}>
                    <td className="drill__customer">
                      {row.customerName !== null && <span>{row.customerName} </span>}
                      {row.customerId !== null ? (
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={`Open customer ${row.customerName ?? ''}`.trim()}
                          onClick={() => {
                            const id = row.customerId!;
                            dialogRef.current?.close();
                            useAppStore.getState().openCustomer(id);
                          }}
                        >
                          Open customer
                        </button>
                      ) : (
                        <span className="muted">No customer</span>
                      )}
                    </td>
                    {columns.map((c) => (
                      <td key={c.field}>{formatField(c.field, row.fields[c.field] ?? null, currency)}</td>
                    ))}
                    <td>{formatValue(answer.unit === 'ratio' ? 'count' : answer.unit, row.part, currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </dialog>
  );
}
