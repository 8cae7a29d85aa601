/**
 * Which new passwords are accepted (issue 18, item 18). NIST SP 800-63B (5.1.1.2) asks that a new
 * password be checked against values known to be commonly used, expected or compromised (breach
 * corpuses, dictionary words, repetitive or sequential characters, context-specific words such as
 * the service's or the user's name) rather than against composition rules. zxcvbn-ts does exactly
 * that matching: its common list (`@zxcvbn-ts/language-common`, drawn from leaked password lists),
 * repeats, sequences, keyboard rows, dates, l33t spellings and the words it is given. A password
 * whose estimated guesses fall below MIN_SCORE is refused with a sentence saying why.
 *
 * Applied wherever a password is set: the contracts for creating a user and resetting a password
 * (checked in the window's forms, in the main process and again on the store). The demo accounts
 * the store and a lone workstation create on first start are made by the seed, not through those
 * contracts, and are exempt (README, "The central store").
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * zxcvbn's score 3: "safely unguessable: moderate protection from an offline slow-hash scenario"
 * (fewer than 10^10 guesses refused). Stored hashes are scrypt, i.e. a slow hash.
 */
export const PASSWORD_MIN_SCORE = 3;

/** Words any password here must not lean on: the product's own names. */
const SERVICE_WORDS = ['switchboard', 'switch board', 'callcenter', 'call center'];

export const WEAK_PASSWORD_MESSAGE =
  'This password is too easy to guess: it is a common or leaked password, or built from repeats, sequences, keyboard rows, dates or the person’s own name, which attackers try first. Choose a longer phrase of several unrelated words.';

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries take some tens of milliseconds to rank. */
function passwordEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator;
}

/**
 * Null when `password` may be set; otherwise the sentence to show. `personal` are the words this
 * user's password must not be built on (their user name and display name).
 */
export function passwordRefusal(password: string, personal: readonly string[] = []): string | null {
  // "Maria Lopez" also as "maria", "lopez" and "marialopez": people join and split their names.
  const personalWords = personal.flatMap((w) => [w, w.replace(/[\s._-]+/g, ''), ...w.split(/[\s._-]+/)]).filter((w) => w.trim().length >= 3);
  const result = passwordEstimator().check(password, [...SERVICE_WORDS, ...personalWords]);
  return result.score >= PASSWORD_MIN_SCORE ? null : WEAK_PASSWORD_MESSAGE;
}
