/**
 * ipcMain side of the contracts: one handler per channel. Each checks the sender (top-level frame
 * of our own page) and hands the call to the core, which admits it exactly as it admits the
 * browser host's (session, then the input against the channel's zod contract: core/rpc/admit.ts). Handlers never throw: the renderer always gets a result envelope.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, type Channel } from '../../src-shared/contracts';
import { fail, type Result } from '../../src-shared/result';
import { isTrustedSender, type FrameLike, type PageTrust } from './security';
import { logger } from '../core/log/logger';

const log = logger('ipc');

/** The part of CoreProcess the IPC layer uses. */
export interface CoreCaller {
  call(channel: string, rawInput: unknown): Promise<Result<unknown>>;
}

/** What of IpcMainInvokeEvent the check reads (kept narrow so tests can build one). */
export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly mainFrame: FrameLike | null };
}

export async function answerInvoke(
  channel: Channel,
  event: InvokeEventLike,
  input: unknown,
  core: CoreCaller,
  trust: PageTrust,
): Promise<Result<unknown>> {
  try {
    if (!isTrustedSender(event.senderFrame, event.sender.mainFrame, trust)) {
      log.warn(`refused ${channel} from ${senderOrigin(event.senderFrame?.url)}`);
      return fail('forbidden_sender', 'This request did not come from the Switchboard window, so it was refused.');
    }
    // The core admits the call as it does for the browser host (core/rpc/admit.ts): the session
    // first, then the input against the contract. Validating here first would tell a signed-out
    // caller what is wrong with their input (issue 18, item 14).
    return await core.call(channel, input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, `${channel} failed`);
    return { ok: false, error: { code: 'internal', message: `Something went wrong in Switchboard: ${message}` } };
  }
}

/** Where a refused call came from: the frame's origin (its path and query may carry anything). */
function senderOrigin(url: string | undefined): string {
  if (url === undefined) return 'a frame that is gone';
  try {
    return new URL(url).origin;
  } catch {
    return 'a frame with no usable address';
  }
}

/** Registers every channel in `contracts`; returns a function that removes them again. */
export function registerIpcHandlers(ipc: Pick<IpcMain, 'handle' | 'removeHandler'>, core: CoreCaller, trust: PageTrust): () => void {
  for (const channel of CHANNELS) {
    ipc.handle(channel, (event: IpcMainInvokeEvent, input: unknown) => answerInvoke(channel, event, input, core, trust));
  }
  return () => {
    for (const channel of CHANNELS) ipc.removeHandler(channel);
  };
}
