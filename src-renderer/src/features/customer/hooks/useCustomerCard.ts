import { useEffect, useState } from 'react';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import type { AppErrorShape } from '../../../../../src-shared/result';
import { switchboard } from '../../../api/client';

export type CardState =
  | { status: 'loading' }
  | { status: 'loaded'; card: CustomerCard }
  | { status: 'failed'; error: AppErrorShape };

/** Loads one customer's card; an answer for a customer no longer open is dropped. */
export function useCustomerCard(customerId: string, version = 0): CardState {
  const [state, setState] = useState<{ customerId: string; card: CardState } | null>(null);
  // A reload (after an edit) keeps showing the card it has until the new one arrives.
  useEffect(() => {
    let current = true;
    void switchboard()
      .customerGet({ customerId })
      .then((result) => {
        if (!current) return;
        setState({ customerId, card: result.ok ? { status: 'loaded', card: result.value } : { status: 'failed', error: result.error } });
      });
    return () => {
      current = false;
    };
  }, [customerId, version]);
  return state !== null && state.customerId === customerId ? state.card : { status: 'loading' };
}
