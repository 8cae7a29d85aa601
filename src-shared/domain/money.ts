/**
 * Amounts in words for sentences the shared code writes (a campaign's minimum order, a discount
 * beyond authority): "50.00 EUR". Every currency Switchboard sells in has two decimals
 * (SELLING_CURRENCIES); the renderer formats figures on screen in the CSR's locale itself.
 */
export function formatCents(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const units = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, '0');
  return `${sign}${units}.${minor} ${currency}`;
}
