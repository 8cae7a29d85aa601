/**
 * The dashboard's channels (src-shared/contracts/reports.ts), called through the typed api: the
 * store's (online) or the cache's (offline, and for the tie-out) of the same question.
 */
import type { z } from 'zod';
import type { dashboardInput, drillDownInput, ExportInput } from '../../../../src-shared/contracts/reports';
import { switchboard } from '../../api/client';

export type DashboardRequest = z.input<typeof dashboardInput>;
export type DrillDownRequest = z.input<typeof drillDownInput>;

export const reports = {
  dashboard: (input: DashboardRequest, source: 'store' | 'cache') =>
    source === 'store' ? switchboard().reportDashboard(input) : switchboard().reportDashboardLocal(input),
  drillDown: (input: DrillDownRequest, source: 'store' | 'cache') =>
    source === 'store' ? switchboard().reportDrilldown(input) : switchboard().reportDrilldownLocal(input),
  /** Every row behind a number, saved as CSV in Downloads by main (from the store only). */
  exportCsv: (input: ExportInput) => switchboard().reportExport(input),
};
