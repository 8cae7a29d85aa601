/**
 * The supervisors' live board (issue 22, "The live board"): who is signed in and at which
 * workstation, who is on a call, on hold or in wrap-up and since when, today's handled calls, the
 * orders waiting for approval and the complaints logged in the last hour — read from the central
 * store (access `store`, GET /board), which every workstation pushes to as soon as a write is saved.
 *
 * Who sees what, enforced by the store's route (server/src/board/routes.ts):
 * - a supervisor: the agents of the teams they belong to, and those teams' approvals and complaints;
 * - an admin: every agent and every team;
 * - CSRs and store associates: no board (the permission, metrics.team, is not theirs).
 *
 * Times are the store's clock (`now`): the screen counts durations from it, not from its own clock,
 * so a workstation whose clock is off still shows the right "on a call 3:12". No customer names:
 * a call carries the customer's id only.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';

/** What an agent is doing now, as the board says it. */
export const BOARD_STATES = ['talking', 'on_hold', 'wrap_up'] as const;
export type BoardState = (typeof BOARD_STATES)[number];

const instant = z.number().int().nonnegative();

export const boardCall = z.object({
  callId: text(),
  state: z.enum(BOARD_STATES),
  /** When the agent entered this state (call start, hold start, end of talk), store ms. */
  since: instant,
  /** When the call started, store ms. */
  startedAt: instant,
  customerId: text().nullable(),
});
export type BoardCall = z.infer<typeof boardCall>;

export const boardAgent = z.object({
  username: text(),
  displayName: text(),
  role: text(),
  teams: z.array(text()),
  /**
   * Signed in online now (an open session of theirs on a workstation), and where; null: not signed
   * in. `seenAt`: the workstation's last request to the store (a running one syncs at least every
   * 30 s), so a workstation closed without signing out shows as not heard from.
   */
  signedIn: z.object({ workstation: text(), since: instant, seenAt: instant.nullable() }).nullable(),
  /** Their unfinished call, or null. */
  call: boardCall.nullable(),
  /** Calls they finished (wrapped up) since the start of today, UTC. */
  handledToday: z.number().int().nonnegative(),
});
export type BoardAgent = z.infer<typeof boardAgent>;

export const boardLive = z.object({
  /** The store's clock when it answered (ms). */
  now: instant,
  /** The teams the board covers (an admin: every team). */
  teams: z.array(text()),
  agents: z.array(boardAgent),
  approvals: z.object({ count: z.number().int().nonnegative(), oldestAt: instant.nullable() }),
  /** Complaints opened in the hour before `now`. */
  complaintsLastHour: z.number().int().nonnegative(),
});
export type BoardLive = z.infer<typeof boardLive>;

export const boardLiveChannel = defineChannel({
  channel: 'board:live',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({}).strict(),
  output: boardLive,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const boardChannels = channelGroup(boardLiveChannel);
