import { useEffect } from 'react';
import { restoreCurrentCall } from '../actions';

/** On start (and after a reload) the unfinished call comes back into the call bar. */
export function useRestoreCall(): void {
  useEffect(() => {
    void restoreCurrentCall();
  }, []);
}
