import { useEffect, useState } from 'react';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import type { AppErrorShape } from '../../../../../src-shared/result';
import { switchboard } from '../../../api/client';
import { useDataVersion } from '../../sync/hooks/useDataVersion';

export type CardState =
  | { status: 'loading' }
  | { status: 'loaded'; card: CustomerCard }
  | { status: 'failed'; error: AppErrorShape };

/** Loads one customer's card (again after an edit or a sync change); an answer for a customer no longer open is dropped. */
export function useCustomerCard(customerId: string, version = 0): CardState {
  const [state, setState] = useState<{ customerId: string; card: CardState } | null>(null);
  const dataVersion = useDataVersion();
  // A reload (after an edit, or rows pulled from the central store) keeps showing the card it has until the new one arrives.
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
  }, [customerId, version, dataVersion]);
  return state !== null && state.customerId === customerId ? state.card : { status: 'loading' };
}
