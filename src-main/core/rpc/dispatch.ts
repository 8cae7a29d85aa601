import { contracts, isChannel, isDbChannel, type Channel, type DbChannel } from '../../../src-shared/contracts';
import { AppError, fail, ok, type Result } from '../../../src-shared/result';
import type { DbHandlers } from './handler-context';

/** Validates a raw input against its channel's contract. Never throws. */
export function validateInput(channel: unknown, raw: unknown): Result<{ channel: Channel; input: unknown }> {
  if (!isChannel(channel)) return fail('unknown_channel', `There is no channel named ${JSON.stringify(String(channel)).slice(0, 80)}.`);
  const parsed = contracts[channel].input.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    return fail('invalid_input', issue?.message ?? 'The request was not valid.', field);
  }
  return ok({ channel, input: parsed.data });
}

/**
 * Runs a handler on already-validated input and turns what it throws into an envelope. The
 * reader's table has no write handlers: a write sent there is refused, never run on its handle.
 */
export function runHandler(handlers: DbHandlers, channel: DbChannel, input: unknown, log: (msg: string, err: unknown) => void): Result<unknown> {
  const handler = handlers[channel] as ((i: unknown) => unknown) | undefined;
  if (handler === undefined) return fail('unknown_channel', `${channel} is not answered by this connection.`);
  try {
    return ok(handler(input));
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: e.toShape() };
    log(`handler ${channel} failed`, e);
    return fail('internal', 'Something went wrong on this workstation; the action was not completed. Try again, and tell support if it repeats.');
  }
}

/** Validate and run in one step: what an in-process host (tests, bench) uses. */
export function dispatch(handlers: DbHandlers, channel: unknown, raw: unknown, log: (msg: string, err: unknown) => void = () => {}): Result<unknown> {
  const valid = validateInput(channel, raw);
  if (!valid.ok) return valid;
  if (!isDbChannel(valid.value.channel)) return fail('unknown_channel', `${valid.value.channel} is not answered by the cache.`);
  return runHandler(handlers, valid.value.channel, valid.value.input, log);
}
