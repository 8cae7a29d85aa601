/**
 * Supervisor metrics (issue 22): the dashboard and the rows behind each of its numbers.
 *
 * Every figure comes from the metric declarations (src-shared/domain/metrics.ts), compiled for the
 * store (PostgreSQL) or the cache (SQLite); nothing here computes a metric. Two channels of each:
 * - `report:dashboard` / `report:drilldown` ask the central store (access `store`): the numbers
 *   online, fresh from every workstation's pushes;
 * - `report:dashboard-local` / `report:drilldown-local` answer from this workstation's cache
 *   (access `read`): the numbers offline, "as of" the last sync. The dashboard asks both for the
 *   tie-out line (the cache's counts against the store's for the period in view).
 *
 * Who sees what (permissions.ts: metrics.own, metrics.team, metrics.all), enforced by whoever
 * answers (the store's routes, the cache's handlers), never by the screen alone:
 * - a CSR: only their own figures (the `csr` filter is forced to themselves; another name is
 *   refused `forbidden`);
 * - a supervisor: the teams they belong to (a `team` filter outside them, or a CSR outside them,
 *   is refused `forbidden`; no team given means their first team);
 * - an admin: everything (no team given means every team);
 * - a store associate: nothing (the channel's permission).
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { ORDER_CHANNELS } from '../domain/customer';
import { SELLING_CURRENCIES } from '../domain/product';
import { DIMENSIONS, METRIC_UNITS, type Dimension } from '../domain/metric-language';

/** Report limits: the longest period and the largest page of rows. */
export const REPORT_LIMITS = { maxDays: 731, maxPageSize: 200, name: 80, campaign: 40 } as const;

const day = text().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'A day as YYYY-MM-DD.' });
const name = (what: string) =>
  text()
    .trim()
    .min(1, { message: `${what}: empty.` })
    .max(REPORT_LIMITS.name, { message: `${what}: at most ${REPORT_LIMITS.name} characters.` });

/**
 * What the dashboard shows: a period of whole UTC days (`from` to `to`, both included), and
 * optionally one team, one CSR, one order channel and one campaign code. Money figures are in
 * `currency` (amounts in two currencies are never added).
 */
export const reportFilter = z
  .object({
    from: day,
    to: day,
    team: name('Team').optional(),
    csr: name('CSR').optional(),
    channel: z.enum(ORDER_CHANNELS).optional(),
    campaign: text().trim().min(1).max(REPORT_LIMITS.campaign).optional(),
    currency: z.enum(SELLING_CURRENCIES),
  })
  .strict()
  .refine((f) => f.from <= f.to, { message: 'The period ends before it starts.', path: ['to'] })
  .refine((f) => (Date.parse(`${f.to}T00:00:00Z`) - Date.parse(`${f.from}T00:00:00Z`)) / 86_400_000 < REPORT_LIMITS.maxDays, {
    message: `A period of at most ${REPORT_LIMITS.maxDays} days.`,
    path: ['from'],
  });
export type ReportFilter = z.infer<typeof reportFilter>;

/** A metric's value for a period: null is "no data" (never shown as 0). */
export const metricFigure = z.object({
  id: text(),
  label: text(),
  /** The formula in words (the declaration's `definition`). */
  definition: text(),
  unit: z.enum(METRIC_UNITS),
  value: z.number().nullable(),
  /** The integer parts the value is computed from (see metricValue). */
  components: z.array(z.number()),
  /** The same metric over the previous period of the same length; absent unless asked for. */
  previous: z.number().nullable().optional(),
  /** Filters of the view this metric has no field for (e.g. a channel on call metrics): not applied to it. */
  ignoredFilters: z.array(text()),
});
export type MetricFigure = z.infer<typeof metricFigure>;

/** One row of a breakdown table: the group's key and one value per metric id. */
export const breakdownRow = z.object({
  key: z.record(text(), text().nullable()),
  values: z.record(text(), z.number().nullable()),
});

export const dashboardInput = z.object({ filter: reportFilter, compare: z.boolean().default(false) }).strict();

export const dashboard = z.object({
  source: z.enum(['store', 'cache']),
  /** ISO instant the numbers are as of: now for the store, the last completed sync for the cache (null: never synced). */
  asOf: text().nullable(),
  filter: z.object({ from: day, to: day, team: text().nullable(), csr: text().nullable(), channel: text().nullable(), campaign: text().nullable(), currency: text() }),
  /** The previous period compared with (same length, just before), when asked for. */
  previousPeriod: z.object({ from: day, to: day }).nullable(),
  /** What the caller may choose: their teams (every team for an admin), the CSRs of those teams, and whether "every team" is allowed. */
  scope: z.object({
    role: text(),
    teams: z.array(text()),
    csrs: z.array(z.object({ username: text(), displayName: text(), teams: z.array(text()) })),
    allTeams: z.boolean(),
  }),
  metrics: z.array(metricFigure),
  /** Per UTC day of the period, for the charts (and the tables beside them). */
  byDay: z.array(breakdownRow),
  /** Per CSR in view, for the table of CSRs. */
  byCsr: z.array(breakdownRow),
});
export type Dashboard = z.infer<typeof dashboard>;

/** Columns a drill-down may be sorted by: the fact's time field (default) or one of its fields. */
export const drillDownInput = z
  .object({
    filter: reportFilter,
    metricId: text().max(60),
    /** The group clicked (empty: the whole figure): e.g. { csr: 'ana' } or { day: '2026-11-03' }. */
    key: z
      .object(Object.fromEntries(DIMENSIONS.map((d) => [d, text().max(REPORT_LIMITS.name).nullable().optional()])) as Record<Dimension, z.ZodOptional<z.ZodNullable<z.ZodString>>>)
      .strict()
      .default({}),
    sort: z.object({ field: text().max(40), dir: z.enum(['asc', 'desc']) }).optional(),
    page: z.number().int().min(0).max(1_000_000).default(0),
    pageSize: z.number().int().min(1).max(REPORT_LIMITS.maxPageSize).default(50),
  })
  .strict();

export const drillDown = z.object({
  metricId: text(),
  label: text(),
  unit: z.enum(METRIC_UNITS),
  /** The figure clicked, recomputed for this key: what the rows add up to. */
  value: z.number().nullable(),
  components: z.array(z.number()),
  /** Every row behind the figure (all pages). */
  total: z.number().int(),
  /** The fact's fields, in the order rows list them, with a heading for each. */
  columns: z.array(z.object({ field: text(), label: text() })),
  rows: z.array(
    z.object({
      id: text(),
      customerId: text().nullable(),
      customerName: text().nullable(),
      fields: z.record(text(), z.union([text(), z.number()]).nullable()),
      /** What this row adds to the figure (1 for a count, the measure for a sum or average, 1 or 0 for a ratio). */
      part: z.number(),
    }),
  ),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type DrillDownPage = z.infer<typeof drillDown>;

export const reportDashboardChannel = defineChannel({
  channel: 'report:dashboard',
  permission: 'metrics.own',
  access: 'store',
  input: dashboardInput,
  output: dashboard,
});

export const reportDashboardLocalChannel = defineChannel({
  channel: 'report:dashboard-local',
  permission: 'metrics.own',
  access: 'read',
  input: dashboardInput,
  output: dashboard,
});

export const reportDrillDownChannel = defineChannel({
  channel: 'report:drilldown',
  permission: 'metrics.own',
  access: 'store',
  input: drillDownInput,
  output: drillDown,
});

export const reportDrillDownLocalChannel = defineChannel({
  channel: 'report:drilldown-local',
  permission: 'metrics.own',
  access: 'read',
  input: drillDownInput,
  output: drillDown,
});

/**
 * Every row behind a number (all pages of a drill-down, in its default order), as CSV: what the
 * store's POST /reports/export streams and `report:export` saves.
 */
export const exportInput = z
  .object({
    filter: reportFilter,
    metricId: drillDownInput.shape.metricId,
    key: drillDownInput.shape.key,
  })
  .strict();
export type ExportInput = z.input<typeof exportInput>;

export const exportResult = z.object({
  /** Where the file was saved (the user's Downloads folder). */
  path: text(),
  fileName: text(),
  /** Rows written (the header line not counted). */
  rows: z.number().int(),
});
export type ExportResult = z.infer<typeof exportResult>;

/**
 * Saves the rows behind a number as a CSV file in the user's Downloads folder (issue 22, export).
 * Exports come from the store only (access `store`: main streams the store's CSV into the file,
 * src-main/core/auth/store-proxy.ts); offline the answer is `unavailable`. Needs `data.export`
 * (supervisors, admins), and the store records each export in the audit log with its filter and
 * row count.
 */
export const reportExportChannel = defineChannel({
  channel: 'report:export',
  permission: 'data.export',
  access: 'store',
  input: exportInput,
  output: exportResult,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const reportChannels = channelGroup(reportDashboardChannel, reportDashboardLocalChannel, reportDrillDownChannel, reportDrillDownLocalChannel, reportExportChannel);
