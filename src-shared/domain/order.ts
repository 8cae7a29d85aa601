/** Phone orders' code lists (issue 21), written once and used by both schemas, the contracts and the UI. */

export const DELIVERY_METHODS = ['standard', 'express', 'pickup'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** How a phone order is paid. None of them carries card data: Switchboard never stores or shows a card number. */
export const PAYMENT_METHODS = ['pay_link', 'card_on_file', 'invoice', 'cash_on_delivery'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Where an order line came from in the call: the product search, a past order, or an accepted suggestion. */
export const LINE_SOURCES = ['search', 'reorder', 'suggestion'] as const;
export type LineSource = (typeof LINE_SOURCES)[number];

/** Where a campaign's code may be used: `offline` is phone and store, `online` the web shop. */
export const CAMPAIGN_CHANNELS = ['online', 'offline', 'both'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/** What a campaign gives: a percent off, an amount off, or free shipping. */
export const CAMPAIGN_RULES = ['percent', 'amount', 'free_shipping'] as const;
export type CampaignRule = (typeof CAMPAIGN_RULES)[number];
