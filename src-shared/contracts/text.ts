/**
 * Text that comes from outside (a person, a workstation, a client of the store) and may be stored
 * or compared: a string PostgreSQL can hold. PostgreSQL refuses U+0000 in text (and a lone UTF-16
 * surrogate cannot be encoded as UTF-8 at all), so such a string is refused here, at the contract,
 * before any cache or store saves it (issue 18, item 3): otherwise the workstation saves it, the
 * store fails on it, and every later write queues behind it.
 *
 * Every contract and mutation schema takes outside text through `text()` rather than a bare
 * `z.string()`; a test (tests/unit/text-contract.test.ts) keeps it that way.
 *
 * Free text a person types (a note, a complaint's texts, wrap-up notes, an address line, an order's
 * note and discount reasons) goes through `freeText()`: it also refuses a payment card number
 * (issue 21, src-shared/domain/card-number.ts), so none is ever saved, by the workstation or the
 * store. Names, emails, phone numbers, codes and ids stay plain `text()`.
 */
import { z } from 'zod';
import { cardNumberRefusal } from '../domain/card-number';

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is looked for
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored as text, or null when it can. */
export function unstorableText(value: string): string | null {
  if (NUL.test(value)) return 'Contains a NUL character (U+0000), which cannot be stored; remove it.';
  if (LONE_SURROGATE.test(value)) return 'Contains a broken character (a lone UTF-16 surrogate), which cannot be stored; retype it.';
  return null;
}

/** `z.string(params)` that refuses text PostgreSQL cannot store (NUL, lone surrogates). */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).superRefine((value, ctx) => {
    const why = unstorableText(value);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why });
  });
}

/**
 * `text()` for free text a person types: also refuses a payment card number (a Luhn-valid run of
 * 13–19 digits) with the sentence in CARD_NUMBER_REFUSAL, before anything is saved (PCI DSS).
 */
export function freeText(params?: Parameters<typeof z.string>[0]) {
  return text(params).superRefine((value, ctx) => {
    const why = cardNumberRefusal(value);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why });
  });
}
