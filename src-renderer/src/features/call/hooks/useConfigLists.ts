import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../../../src-shared/contracts';
import type { AppErrorShape } from '../../../../../src-shared/result';
import { switchboard } from '../../../api/client';

type Lists = ChannelOutput<'config:lists'>;
export type ListsState = { status: 'loading' } | { status: 'loaded'; lists: Lists } | { status: 'failed'; error: AppErrorShape };

let cached: Promise<ListsState> | null = null;

/** Read again for the next user (a role may see other lists, and nothing of a session outlives it). */
export function forgetConfigLists(): void {
  cached = null;
}

/** The configurable lists (wrap-up codes, complaint categories), read once per window. */
export function useConfigLists(): ListsState {
  const [state, setState] = useState<ListsState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    cached ??= switchboard()
      .configLists({})
      .then((r): ListsState => (r.ok ? { status: 'loaded', lists: r.value } : { status: 'failed', error: r.error }));
    void cached.then((s) => {
      if (s.status === 'failed') cached = null;
      if (current) setState(s);
    });
    return () => {
      current = false;
    };
  }, []);
  return state;
}
