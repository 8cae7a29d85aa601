/**
 * In-process news of committed changes to synced rows. Push (after a commit that applied
 * something) and imports call `poke`; the live route (`GET /sync/events`) forwards each poke to
 * its open streams so workstations pull within a second. One server process owns the feed; a
 * second process writing the same PostgreSQL would also be heard through the change-log trigger's
 * `pg_notify('sb_changes')` where the live route listens for it.
 */
import { EventEmitter } from 'node:events';

export class ChangeFeed {
  private readonly events = new EventEmitter();

  constructor() {
    // Every open SSE stream subscribes; the live route bounds how many there are.
    this.events.setMaxListeners(0);
  }

  /** Something committed; `version` is a change-log version at or after it (0 when unknown). */
  poke(version = 0): void {
    this.events.emit('poke', version);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (version: number) => void): () => void {
    this.events.on('poke', listener);
    return () => this.events.off('poke', listener);
  }
}
