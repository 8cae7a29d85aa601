/**
 * The dashboard's channels (src-shared/contracts/reports.ts), called through the typed api. Until
 * the channels are wired into contracts/index.ts the methods are missing from `SwitchboardApi`;
 * asking for one then answers `unavailable` with a sentence rather than throwing.
 */
import type { z } from 'zod';
import type { Dashboard, DrillDownPage, dashboardInput, drillDownInput } from '../../../../src-shared/contracts/reports';
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

interface ReportApi {
  reportDashboard(input: DashboardRequest): Promise<Result<Dashboard>>;
  reportDashboardLocal(input: DashboardRequest): Promise<Result<Dashboard>>;
  reportDrilldown(input: DrillDownRequest): Promise<Result<DrillDownPage>>;
  reportDrilldownLocal(input: DrillDownRequest): Promise<Result<DrillDownPage>>;
  reportExport(input: DrillDownRequest): Promise<Result<ExportAnswer>>;
}

function method<K extends keyof ReportApi>(name: K): ReportApi[K] {
  const api = switchboard() as unknown as Partial<ReportApi>;
  const found = api[name];
  if (typeof found === 'function') return found as ReportApi[K];
  return (async () => ({
    ok: false,
    error: { code: 'unavailable', message: 'This build of Switchboard does not answer reports yet.' },
  })) as unknown as ReportApi[K];
}

export const reports = {
  dashboard: (input: DashboardRequest, source: 'store' | 'cache') => method(source === 'store' ? 'reportDashboard' : 'reportDashboardLocal')(input),
  drillDown: (input: DrillDownRequest, source: 'store' | 'cache') => method(source === 'store' ? 'reportDrilldown' : 'reportDrilldownLocal')(input),
  exportCsv: (input: DrillDownRequest) => method('reportExport')(input),
};
