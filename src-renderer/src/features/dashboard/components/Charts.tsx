/** The dashboard's charts, each with the table of the same numbers beside it; table cells open the rows behind them. */
import { useMemo } from 'react';
import type { Dashboard } from '../../../../../src-shared/contracts/reports';
import type { MetricUnit } from '../../../../../src-shared/domain/metric-language';
import { formatCalendarDate } from '../../../ui/format';
import { countFormat, formatDuration, formatValue, rowsNoun } from '../format';
import { ChartWithTable } from './ChartWithTable';

type Row = Dashboard['byDay'][number];
export type OpenCell = (metricId: string, title: string, unit: MetricUnit, key: Record<string, string>, button: HTMLButtonElement) => void;

interface Column {
  id: string;
  label: string;
  unit: MetricUnit;
}

const AHT_PART_IDS = ['averageTalkTime', 'averageHoldTime', 'averageWrapUpTime'] as const;
const AHT_PART_LABELS = ['Average talk time', 'Average hold time', 'Average wrap-up time'] as const;

const minutesTick = (ms: number) => formatDuration(ms);
const countTick = (n: number) => countFormat.format(n);

function CellButton({ column, value, where, currency, keyOf, open }: { column: Column; value: number | null; where: string; currency: string; keyOf: Record<string, string>; open: OpenCell }) {
  const shown = formatValue(column.unit, value, currency);
  return (
    <button
      type="button"
      className="dash-table__cell"
      aria-label={`${column.label}, ${where}: ${shown} — show the ${rowsNoun(column.id)} behind it`}
      onClick={(e) => open(column.id, `${column.label}, ${where}`, column.unit, keyOf, e.currentTarget)}
    >
      {shown}
    </button>
  );
}

function Table({
  caption,
  keyHeading,
  rows,
  columns,
  currency,
  keyField,
  keyText,
  open,
}: {
  caption: string;
  keyHeading: string;
  rows: Row[];
  columns: Column[];
  currency: string;
  keyField: 'day' | 'csr';
  keyText(key: string): string;
  open: OpenCell;
}) {
  return (
    <table className="dash-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeading}</th>
          {columns.map((c) => (
            <th key={c.id} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const key = row.key[keyField] ?? '';
          const where = keyText(key);
          return (
            <tr key={key}>
              <th scope="row">{where}</th>
              {columns.map((c) => (
                <td key={c.id}>
                  <CellButton column={c} value={row.values[c.id] ?? null} where={where} currency={currency} keyOf={{ [keyField]: key }} open={open} />
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function labelOf(dashboard: Dashboard, id: string, fallback: string): Column {
  const m = dashboard.metrics.find((f) => f.id === id);
  return { id, label: m?.label ?? fallback, unit: m?.unit ?? 'count' };
}

export function Charts({ dashboard, open }: { dashboard: Dashboard; open: OpenCell }) {
  const currency = dashboard.filter.currency;
  const names = useMemo(() => new Map(dashboard.scope.csrs.map((c) => [c.username, c.displayName])), [dashboard.scope.csrs]);
  const days = dashboard.byDay;
  const dayLabels = useMemo(() => days.map((r) => formatCalendarDate(r.key.day ?? null)), [days]);
  const calls = labelOf(dashboard, 'callsHandled', 'Calls handled');
  const ahtParts = AHT_PART_IDS.map((id, i) => labelOf(dashboard, id, AHT_PART_LABELS[i]!));
  const aht = labelOf(dashboard, 'averageHandleTime', 'Average handle time');
  const csrColumns = ['callsHandled', 'averageHandleTime', 'complaintsLogged', 'offersPresented', 'upsellConversion', 'ordersTaken', 'ordersTakenValue']
    .filter((id) => dashboard.metrics.some((m) => m.id === id))
    .map((id) => labelOf(dashboard, id, id));
  const csrLabels = useMemo(() => dashboard.byCsr.map((r) => names.get(r.key.csr ?? '') ?? r.key.csr ?? '—'), [dashboard.byCsr, names]);

  const callSeries = useMemo(() => [{ label: calls.label, values: days.map((r) => r.values.callsHandled ?? null) }], [days, calls.label]);
  const ahtLabels = ahtParts.map((p) => p.label).join('\n');
  const ahtSeries = useMemo(
    () => ahtLabels.split('\n').map((label, i) => ({ label, values: days.map((r) => r.values[AHT_PART_IDS[i]!] ?? null) })),
    [days, ahtLabels],
  );
  const csrSeries = useMemo(() => [{ label: calls.label, values: dashboard.byCsr.map((r) => r.values.callsHandled ?? null) }], [dashboard.byCsr, calls.label]);

  const totalCalls = days.reduce((s, r) => s + (r.values.callsHandled ?? 0), 0);
  const busiest = days.reduce<Row | null>((best, r) => ((r.values.callsHandled ?? 0) > (best?.values.callsHandled ?? -1) ? r : best), null);
  const csrText = (u: string) => names.get(u) ?? u;
  const topCsrs = [...dashboard.byCsr].sort((a, b) => (b.values.callsHandled ?? 0) - (a.values.callsHandled ?? 0)).slice(0, 5);

  return (
    <div className="dash-charts">
      <ChartWithTable
        id="chart-calls"
        title="Calls handled per day"
        kind="bar"
        summary={`Bar chart of calls handled per day over ${days.length} days: ${countFormat.format(totalCalls)} in all${busiest && (busiest.values.callsHandled ?? 0) > 0 ? `, most on ${formatCalendarDate(busiest.key.day ?? null)} (${countFormat.format(busiest.values.callsHandled ?? 0)})` : ''}. The table beside it has every day.`}
        categories={dayLabels}
        series={callSeries}
        formatTick={countTick}
        table={<Table caption="Calls handled per day" keyHeading="Day" rows={days} columns={[calls]} currency={currency} keyField="day" keyText={(d) => formatCalendarDate(d)} open={open} />}
      />
      <ChartWithTable
        id="chart-aht"
        title="Average handle time per day (talk, hold, wrap-up)"
        kind="bar"
        stacked
        summary={`Stacked bar chart of average talk, hold and wrap-up time per day over ${days.length} days; each bar is that day's average handle time. The table beside it has every day.`}
        categories={dayLabels}
        series={ahtSeries}
        formatTick={minutesTick}
        table={
          <Table
            caption="Average handle time per day, and its parts"
            keyHeading="Day"
            rows={days}
            columns={[aht, ...ahtParts]}
            currency={currency}
            keyField="day"
            keyText={(d) => formatCalendarDate(d)}
            open={open}
          />
        }
      />
      <ChartWithTable
        id="chart-csrs"
        title="Figures per CSR"
        kind="bar"
        summary={`Bar chart of calls handled per CSR, ${dashboard.byCsr.length} CSRs${topCsrs.length > 0 ? `; ${dashboard.byCsr.length > topCsrs.length ? `the ${topCsrs.length} with most` : 'they'}: ${topCsrs.map((r) => `${csrText(r.key.csr ?? '')} ${countFormat.format(r.values.callsHandled ?? 0)}`).join(', ')}` : ''}. The table beside it has every CSR and their other figures.`}
        categories={csrLabels}
        series={csrSeries}
        formatTick={countTick}
        table={<Table caption="Figures per CSR" keyHeading="CSR" rows={dashboard.byCsr} columns={csrColumns} currency={currency} keyField="csr" keyText={csrText} open={open} />}
      />
    </div>
  );
}
