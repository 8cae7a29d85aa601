import type { SwitchboardApi } from '../../src-shared/contracts';

declare global {
  interface Window {
    /** Exposed by the preload in Electron; absent in the browser host (the HTTP bridge stands in). */
    switchboard?: SwitchboardApi;
  }
}

export {};
