/**
 * The dashboard's channels (src-shared/contracts/reports.ts), called through the typed api: the
 * store's (online) or the cache's (offline, and for the tie-out) of the same question.
 */
import type { z } from 'zod';
import type { dashboardInput, drillDownInput } from '../../../../src-shared/contracts/reports';
import type { Result } from '../../../../src-shared/result';
import { switchboard } from '../../api/client';

export type DashboardRequest = z.input<typeof dashboardInput>;
export type DrillDownRequest = z.input<typeof drillDownInput>;

/** What `report:export` answers: the file written in Downloads and how many rows it holds. */
export interface ExportAnswer {
  path: string;
  fileName: string;
  rows: number;
}

/** `report:export` comes with the store's export route; until then the button says it is not there. */
interface ExportApi {
  reportExport(input: DrillDownRequest): Promise<Result<ExportAnswer>>;
}

function exportMethod(): ExportApi['reportExport'] {
  const found = (switchboard() as unknown as Partial<ExportApi>).reportExport;
  if (typeof found === 'function') return found;
  return async () => ({ ok: false, error: { code: 'unavailable', message: 'This build of Switchboard cannot export reports yet.' } });
}

export const reports = {
  dashboard: (input: DashboardRequest, source: 'store' | 'cache') =>
    source === 'store' ? switchboard().reportDashboard(input) : switchboard().reportDashboardLocal(input),
  drillDown: (input: DrillDownRequest, source: 'store' | 'cache') =>
    source === 'store' ? switchboard().reportDrilldown(input) : switchboard().reportDrilldownLocal(input),
  exportCsv: (input: DrillDownRequest) => exportMethod()(input),
};
