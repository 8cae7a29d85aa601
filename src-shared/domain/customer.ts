export const LOYALTY_TIERS = ['none', 'bronze', 'silver', 'gold', 'platinum'] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];

export const ORDER_CHANNELS = ['web', 'phone', 'store'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

/**
 * `submitted`: a phone order saved on a workstation, waiting for the store; `awaiting_approval`: its
 * discount is beyond the CSR's authority and no supervisor has approved it yet; `needs_attention`:
 * the store could not confirm it as quoted (its reason is on the order). The store confirms an order
 * by placing it (`placed`, shown as "Confirmed" for phone orders) under its own order number.
 */
export const ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'returned', 'cancelled', 'submitted', 'awaiting_approval', 'needs_attention'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const SEGMENTS = ['new', 'occasional', 'regular', 'vip', 'lapsed', 'wholesale'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const PHONE_KINDS = ['mobile', 'home', 'work'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

export const ADDRESS_KINDS = ['billing', 'shipping', 'home'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

export const PRODUCT_RELATION_KINDS = ['complement', 'accessory'] as const;
export type ProductRelationKind = (typeof PRODUCT_RELATION_KINDS)[number];

/** Limits stated once and used by the forms, the contracts and the database checks. */
export const LIMITS = {
  searchQuery: 200,
  name: 100,
  email: 254,
  phoneRaw: 40,
  city: 100,
  addressLine: 200,
} as const;
