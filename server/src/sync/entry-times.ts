/**
 * Times from a workstation are bounded by the central store's clock (issue 18, item 6): an entry
 * whose own time or any time in its arguments is more than MAX_CLOCK_AHEAD_MS ahead of the store
 * is refused — permanently, with a sentence the CSR can act on — instead of being stored where it
 * would head every list (or, past what a Date holds, break reading that customer anywhere).
 */
import type { PushedMutation } from '../../../src-shared/contracts/sync-protocol';
import { MAX_CLOCK_AHEAD_MS, MAX_INSTANT_MS } from '../../../src-shared/domain/time';
import { MUTATION_WORDS, workstationTimes, type ParsedMutation } from '../../../src-shared/sync/mutations';
import { MutationRefused } from './mutations/refusal';

/** Why the entry's times cannot be stored, or null when they can. */
export function refuseTimesAhead(m: PushedMutation, parsed: ParsedMutation, now: number): MutationRefused | null {
  const times = [m.createdAt, ...workstationTimes(parsed)];
  const words = MUTATION_WORDS[parsed.name];
  if (times.some((t) => t < 0 || t > MAX_INSTANT_MS)) {
    return new MutationRefused('invalid_input', `This ${words} carries a time no clock can show, so it was not saved on the central store; re-enter it if it is still needed.`);
  }
  const latest = Math.max(...times);
  if (latest > now + MAX_CLOCK_AHEAD_MS) {
    const hours = Math.round((latest - now) / 3_600_000);
    return new MutationRefused(
      'invalid_input',
      `This ${words} was saved with a time ${hours.toLocaleString('en-US')} hours ahead of the central store's clock, so it was not saved there; check this workstation's date and time, then re-enter it if it is still needed.`,
    );
  }
  return null;
}
