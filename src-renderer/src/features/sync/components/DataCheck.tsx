import type { SyncCheckResult } from '../../../../../src-shared/contracts/sync';
import { countFormat } from '../../lookup/format';
import { checkSummary, tableCheckText, tableLabel } from '../words';

/** The last data check: the outcome in a sentence, then each table's counts here and on the store. */
export function DataCheck({ check }: { check: SyncCheckResult }) {
  const repulling = new Set(check.repulling);
  return (
    <section className="sync-panel__section" aria-labelledby="sync-check-title">
      <h3 id="sync-check-title" className="panel__title">
        Data check
      </h3>
      <p className={check.skipped === null && !check.match ? 'sync-check__summary sync-check__summary--differs' : 'sync-check__summary'}>
        {checkSummary(check, Date.now())}
      </p>
      {check.tables.length > 0 && (
        <table className="orders sync-check">
          <caption className="sr-only">Rows per table, on this workstation and on the central store</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col" className="num">
                On this workstation
              </th>
              <th scope="col" className="num">
                On the central store
              </th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {check.tables.map((t) => (
              <tr key={t.table} className={t.match ? undefined : 'sync-check__row--differs'}>
                <th scope="row" className="sync-check__table">
                  {tableLabel(t.table)}
                </th>
                <td className="num">{countFormat.format(t.localCount)}</td>
                <td className="num">{countFormat.format(t.serverCount)}</td>
                <td>
                  <span aria-hidden="true" className="sync-check__mark">
                    {t.match ? '✓' : '✕'}
                  </span>{' '}
                  {tableCheckText(t)}
                  {repulling.has(t.table) && ' — re-pulling'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
