/**
 * What the session keeper answers for each `auth` channel (contracts/auth.ts): a typed table over
 * every auth channel (issue 20), so an auth channel declared without an answer here fails the type
 * check. The session keeper itself (session-keeper.ts) holds the rules.
 */
import type { AuthChannel, ChannelOutput, ChannelParsedInput } from '../../../src-shared/contracts';
import type { Result } from '../../../src-shared/result';
import type { SessionKeeper } from './session-keeper';

type AuthAnswer<C extends AuthChannel> = (session: SessionKeeper, input: ChannelParsedInput<C>) => Result<ChannelOutput<C>> | Promise<Result<ChannelOutput<C>>>;

export const AUTH_ANSWERS: { readonly [C in AuthChannel]: AuthAnswer<C> } = {
  'auth:session': (session) => ({ ok: true, value: session.view() }),
  'auth:sign-in': (session, input) => session.signIn(input.username, input.password),
  'auth:sign-out': (session) => session.signOut(),
  'auth:lock': (session, input) => session.lock(input),
  'auth:unlock': (session, input) => session.unlock(input.password),
  'auth:activity': (session) => session.activity(),
};

/** `input` has passed the channel's contract (CoreProcess admitted the call). */
export function answerAuth(session: SessionKeeper, channel: AuthChannel, input: unknown): Result<unknown> | Promise<Result<unknown>> {
  const answer = AUTH_ANSWERS[channel] as AuthAnswer<AuthChannel>;
  return answer(session, input as ChannelParsedInput<AuthChannel>);
}
