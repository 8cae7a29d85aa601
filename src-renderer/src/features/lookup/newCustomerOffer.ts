import { newCustomerNumber, type LookupSearchOutput } from '../../../../src-shared/contracts/lookup';
import { formatPhone } from '../../../../src-shared/domain/phone';

/**
 * The number to offer as a new customer, as the CSR reads it, or null: see `newCustomerNumber`
 * (never while the customer directory is still arriving from the central store).
 */
export function newCustomerPhone(result: LookupSearchOutput | null, directoryReady: boolean): string | null {
  const e164 = newCustomerNumber(result, directoryReady);
  // A number that may only be kept unverified is offered exactly as typed.
  return e164 === null ? null : e164.startsWith('+') ? formatPhone(e164) : e164;
}
