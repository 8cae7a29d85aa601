/**
 * The cart of the order being taken on a call (issue 21): one per customer, kept while the CSR
 * moves between the customer's tabs, filled from the product search, a past order ("reorder") or
 * an accepted suggestion. Its id is made when it opens, so submitting it twice (a double press, a
 * retry after a dropped answer) can never make two orders. The core prices it; nothing here does.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../../app/store';
import type { LineSource } from '../../../../src-shared/domain/order';
import type { ManualDiscountInput } from '../../../../src-shared/contracts/orders';
import { ORDER_LIMITS } from '../../../../src-shared/contracts/orders';

export interface CartItem {
  productId: string;
  name: string;
  sku: string;
  quantity: number;
  source: LineSource;
  /** The accepted offer the line came from (a suggestion), so the offer counts as converted. */
  offerId: string | null;
}

export interface Cart {
  orderId: string;
  customerId: string;
  items: CartItem[];
}

export interface OrderSlice {
  /** Carts by customer id. */
  carts: Record<string, Cart>;
  /** What was last put in a cart, in words, for the order panel to announce. */
  cartNotice: { customerId: string; text: string } | null;
  /** Adds a product (or more of it, when it is already in the cart with the same origin). */
  addToCart(customerId: string, item: Omit<CartItem, 'quantity'> & { quantity?: number }): void;
  setQuantity(customerId: string, productId: string, quantity: number): void;
  removeFromCart(customerId: string, productId: string): void;
  /** After a submit: the next order starts empty with a new id. */
  newCart(customerId: string): void;
  /** Goes up when an order was submitted here or its status changed: past purchases and the timeline read again. */
  ordersVersion: number;
  ordersChanged(): void;
}

const emptyCart = (customerId: string): Cart => ({ orderId: crypto.randomUUID(), customerId, items: [] });

export const createOrderSlice: StateCreator<AppState, [], [], OrderSlice> = (set) => ({
  carts: {},
  cartNotice: null,
  addToCart: (customerId, item) =>
    set((s) => {
      const cart = s.carts[customerId] ?? emptyCart(customerId);
      const quantity = Math.max(1, Math.trunc(item.quantity ?? 1));
      const existing = cart.items.find((i) => i.productId === item.productId);
      const items = existing
        ? cart.items.map((i) =>
            i === existing
              ? // One line per product: an accepted offer for a product already in the cart is that line's offer.
                { ...i, quantity: Math.min(ORDER_LIMITS.quantity, i.quantity + quantity), offerId: i.offerId ?? item.offerId, source: i.offerId === null && item.offerId !== null ? item.source : i.source }
              : i,
          )
        : [...cart.items, { ...item, quantity }];
      return { carts: { ...s.carts, [customerId]: { ...cart, items } }, cartNotice: { customerId, text: `Added ${quantity} × ${item.name} to the order.` } };
    }),
  setQuantity: (customerId, productId, quantity) =>
    set((s) => {
      const cart = s.carts[customerId];
      if (!cart) return {};
      return { carts: { ...s.carts, [customerId]: { ...cart, items: cart.items.map((i) => (i.productId === productId ? { ...i, quantity } : i)) } } };
    }),
  removeFromCart: (customerId, productId) =>
    set((s) => {
      const cart = s.carts[customerId];
      if (!cart) return {};
      return { carts: { ...s.carts, [customerId]: { ...cart, items: cart.items.filter((i) => i.productId !== productId) } } };
    }),
  newCart: (customerId) => set((s) => ({ carts: { ...s.carts, [customerId]: emptyCart(customerId) }, cartNotice: null })),
  ordersVersion: 0,
  ordersChanged: () => set((s) => ({ ordersVersion: s.ordersVersion + 1 })),
});

/** The customer's cart, made on first use. */
export function cartOf(state: Pick<OrderSlice, 'carts'>, customerId: string): Cart | null {
  return state.carts[customerId] ?? null;
}

export type { ManualDiscountInput };
