import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../src-shared/contracts';
import type { Result } from '../../../src-shared/result';
import { switchboard } from '../api/client';

export type AppInfo = ChannelOutput<'app:info'>;

/** Where the core runs and what its cache holds, read once at start. */
export function useAppInfo(): Result<AppInfo> | null {
  const [info, setInfo] = useState<Result<AppInfo> | null>(null);
  useEffect(() => {
    let current = true;
    void switchboard()
      .appInfo({})
      .then((result) => {
        if (current) setInfo(result);
      });
    return () => {
      current = false;
    };
  }, []);
  return info;
}
