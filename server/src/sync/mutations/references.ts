/**
 * The rows a mutation refers to, checked inside its transaction. Each check locks the row it found
 * (FOR KEY SHARE: no delete or key change until commit, while other writers of the same row go on),
 * so a foreign key can never fail later in the transaction: a missing row is a permanent refusal
 * with a sentence the CSR can act on, never a database error that would stall the queue.
 */
import { eq } from 'drizzle-orm';
import { calls, customers, orderLines, orders, products } from '../../db/schema';
import { MutationRefused, type StoreTx } from './refusal';

export async function requireCustomer(tx: StoreTx, customerId: string, words: string): Promise<void> {
  const [found] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for('key share');
  if (!found) {
    throw new MutationRefused(
      'not_found',
      `The customer this ${words} is for is no longer in the central store (the record may have been deleted or merged), so the ${words} was not saved there; find the customer again and re-enter it if it is still needed.`,
    );
  }
}

/** A call a note, complaint, offer or contact change is linked to. */
export async function requireLinkedCall(tx: StoreTx, callId: string | null, words: string): Promise<void> {
  if (callId === null) return;
  const [found] = await tx.select({ id: calls.id }).from(calls).where(eq(calls.id, callId)).for('key share');
  if (!found) {
    throw new MutationRefused(
      'not_found',
      `The call this ${words} was made on is not in the central store (its start was refused or removed), so the ${words} was not saved there; re-enter it without the call if it is still needed.`,
    );
  }
}

export async function requireProduct(tx: StoreTx, productId: string, words: string): Promise<void> {
  const [found] = await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for('key share');
  if (!found) {
    throw new MutationRefused(
      'not_found',
      `The product in this ${words} is no longer in the central store's catalogue, so the ${words} was not saved there; nothing needs re-entering.`,
    );
  }
}

/** The order and order line a complaint is about: they must exist and be this customer's. */
export async function requireComplaintOrder(tx: StoreTx, customerId: string, orderId: string | null, orderLineId: string | null): Promise<void> {
  if (orderId !== null) {
    const [order] = await tx.select({ customerId: orders.customerId }).from(orders).where(eq(orders.id, orderId)).for('key share');
    if (!order) {
      throw new MutationRefused(
        'not_found',
        'The order this complaint is about is not in the central store, so the complaint was not saved there; log it again and choose one of the customer’s current orders.',
      );
    }
    if (order.customerId !== customerId) {
      throw new MutationRefused(
        'invalid_input',
        'The order this complaint is about belongs to another customer in the central store, so the complaint was not saved there; log it again from the right customer’s record.',
      );
    }
  }
  if (orderLineId === null) return;
  const [line] = await tx
    .select({ orderId: orderLines.orderId, customerId: orderLines.customerId })
    .from(orderLines)
    .where(eq(orderLines.id, orderLineId))
    .for('key share');
  if (!line) {
    throw new MutationRefused(
      'not_found',
      'The order item this complaint is about is not in the central store, so the complaint was not saved there; log it again and choose one of the customer’s current orders.',
    );
  }
  if (line.customerId !== customerId || (orderId !== null && line.orderId !== orderId)) {
    throw new MutationRefused(
      'invalid_input',
      'The order item this complaint is about is on another order or another customer’s order in the central store, so the complaint was not saved there; log it again choosing the item from the customer’s orders.',
    );
  }
}
