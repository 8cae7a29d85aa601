import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../src-shared/contracts';
import type { Result } from '../../../src-shared/result';
import { switchboard } from '../api/client';
import { useDataVersion } from '../features/sync/hooks/useDataVersion';

export type AppInfo = ChannelOutput<'app:info'>;

/** Where the core runs and what its cache holds: read at start and again when sync changed the cache. */
export function useAppInfo(): Result<AppInfo> | null {
  const [info, setInfo] = useState<Result<AppInfo> | null>(null);
  const dataVersion = useDataVersion();
  useEffect(() => {
    let current = true;
    const read = () =>
      void switchboard()
        .appInfo({})
        .then((result) => {
          if (current) setInfo(result);
        });
    // The count is a full scan of customers on the reader: while sync keeps changing the cache it
    // waits until the changes pause, so it never competes with lookups twice a second.
    const timer = dataVersion === 0 ? undefined : setTimeout(read, 1500);
    if (timer === undefined) read();
    return () => {
      current = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [dataVersion]);
  return info;
}
