export const ORDER_HISTORY_ARRIVING = 'Order history is still arriving from the central store.';

/** Shown where orders, purchases or suggestions would be while the first copy is still bringing orders in. */
export function OrderHistoryArriving() {
  return (
    <p className="muted" role="status">
      {ORDER_HISTORY_ARRIVING}
    </p>
  );
}
