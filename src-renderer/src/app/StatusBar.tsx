import { countFormat } from '../features/lookup/format';
import { SyncPanel } from '../features/sync/components/SyncPanel';
import { SyncStatusItems } from '../features/sync/components/SyncStatusItems';
import { useSyncStatusPolling } from '../features/sync/hooks/useSyncStatusPolling';
import { useAppInfo, type AppInfo } from './useAppInfo';
import { useSessionStore } from '../features/auth/store';

const HOST_LABELS: Record<AppInfo['host'], string> = { electron: 'Electron', 'browser-host': 'Browser host' };

/**
 * Where this window's data comes from and how it stands with the central store, always in view.
 * The sync panel opens above the bar (pushing the page up, covering nothing).
 */
export function StatusBar() {
  useSyncStatusPolling();
  const info = useAppInfo();
  // E.g. sign-ins kept without the OS keychain: said on the sign-in screen and kept in view here.
  const warning = useSessionStore((s) => s.session?.warning ?? null);
  return (
    <footer className="statusbar" aria-label="Status">
      <SyncPanel />
      <div className="statusbar__row">
        <SyncStatusItems />
        {warning !== null && <span className="statusbar__item statusbar__warning">Warning: {warning}</span>}
        {info === null && <span className="statusbar__item">Reading the cache…</span>}
        {info !== null && !info.ok && <span className="statusbar__item statusbar__error">{info.error.message}</span>}
        {info !== null && info.ok && (
          <>
            <span className="statusbar__item">{HOST_LABELS[info.value.host]}</span>
            <span className="statusbar__item">
              {countFormat.format(info.value.customerCount)} {info.value.customerCount === 1 ? 'customer' : 'customers'} in cache
            </span>
            <span className="statusbar__item">Default region {info.value.defaultRegion}</span>
            <span className="statusbar__item statusbar__version">Switchboard {info.value.version}</span>
          </>
        )}
      </div>
    </footer>
  );
}
