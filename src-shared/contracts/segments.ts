/**
 * Audience segments (issue 22): preview a definition's size and value, save it with a name, list
 * and delete saved ones, export one for a campaign channel. All from the central store (access
 * `store`): a segment needs every customer, and a workstation's cache may hold only part of them,
 * so offline these channels answer `unavailable` and the screen says so.
 *
 * Money: each customer's lifetime value is in their own currency, so the value is given per
 * currency (with how many of the segment's customers are in it), never added across currencies.
 *
 * Who: supervisors and admins (`metrics.team` to build, save, list and delete; `data.export` to
 * export). Checked by the store's routes too (src-shared/auth/route-permissions.ts).
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { EXPORT_CHANNELS, SEGMENT_LIMITS, segmentDefinition } from '../domain/segment';

const uuid = z.uuid();

export const segmentSize = z.object({
  size: z.number().int(),
  value: z.array(z.object({ currency: text(), customers: z.number().int(), valueCents: z.number().int() })),
});

export const segmentName = freeText()
  .trim()
  .min(1, { message: 'Name the segment.' })
  .max(SEGMENT_LIMITS.name, { message: `At most ${SEGMENT_LIMITS.name} characters.` });

export const savedSegment = z.object({
  id: uuid,
  name: text(),
  definition: segmentDefinition,
  createdBy: text(),
  /** ISO instant. */
  createdAt: text(),
  /** Its size and value now (the same query as the preview, and as the export's counts). */
  size: segmentSize,
});
export type SavedSegment = z.infer<typeof savedSegment>;

/** What an export answered, as the store says it in its response headers and the audit entry. */
export const exportCounts = z.object({
  /** Customers written to the file. */
  rows: z.number().int(),
  /** Left out: no marketing consent for the channel. */
  leftOut: z.number().int(),
  /** Left out: consent, but no contact for the channel. */
  noContact: z.number().int(),
});

/** The store's response headers carrying the export's counts (set before the first row). */
export const EXPORT_HEADERS = { rows: 'x-segment-rows', leftOut: 'x-segment-left-out', noContact: 'x-segment-no-contact' } as const;

export const segmentPreviewChannel = defineChannel({
  channel: 'segment:preview',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({ definition: segmentDefinition }).strict(),
  output: segmentSize,
});

export const segmentListChannel = defineChannel({
  channel: 'segment:list',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({}).strict(),
  output: z.object({ segments: z.array(savedSegment) }),
});

export const segmentSaveChannel = defineChannel({
  channel: 'segment:save',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({ name: segmentName, definition: segmentDefinition }).strict(),
  output: savedSegment,
});

export const segmentDeleteChannel = defineChannel({
  channel: 'segment:delete',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({ id: uuid }).strict(),
  output: z.object({ id: uuid }),
});

/**
 * Streams the saved segment's customers (id, name, the contact for `channel`) as CSV into the
 * user's Downloads folder; answers where the file is and the counts. Customers without consent for
 * the channel are left out and counted.
 */
export const segmentExportChannel = defineChannel({
  channel: 'segment:export',
  permission: 'data.export',
  access: 'store',
  input: z.object({ id: uuid, channel: z.enum(EXPORT_CHANNELS) }).strict(),
  output: exportCounts.extend({ path: text() }),
});

/** The body of the store's export route. */
export const segmentExportBody = z.object({ channel: z.enum(EXPORT_CHANNELS) }).strict();

export const segmentChannels = channelGroup(segmentPreviewChannel, segmentListChannel, segmentSaveChannel, segmentDeleteChannel, segmentExportChannel);
