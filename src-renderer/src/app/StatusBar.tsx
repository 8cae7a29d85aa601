import { countFormat } from '../features/lookup/format';
import { useAppInfo, type AppInfo } from './useAppInfo';

const HOST_LABELS: Record<AppInfo['host'], string> = { electron: 'Electron', 'browser-host': 'Browser host' };

/** Where this window's data comes from, always in view. */
export function StatusBar() {
  const info = useAppInfo();
  return (
    <footer className="statusbar" aria-label="Status">
      {info === null && <span>Connecting…</span>}
      {info !== null && !info.ok && <span className="statusbar__error">{info.error.message}</span>}
      {info !== null && info.ok && (
        <>
          <span>{HOST_LABELS[info.value.host]}</span>
          <span>
            {countFormat.format(info.value.customerCount)} {info.value.customerCount === 1 ? 'customer' : 'customers'} in cache
          </span>
          <span>Default region {info.value.defaultRegion}</span>
          <span className="statusbar__version">Switchboard {info.value.version}</span>
        </>
      )}
    </footer>
  );
}
