/**
 * DeferredIndexBuild: when the indexes a first copy deferred (db/deferred-indexes.ts) are built,
 * and whether the screens can count on them yet. The contact tables' indexes are built once the
 * directory has arrived (lookups need them for the rest of the copy), the order tables' at the end
 * of the copy, and whatever a copy stopped before building when sync next runs with no copy under
 * way. Building takes seconds per index on a big cache, with the sync thread busy: the status says
 * so before it starts.
 */
import type { DeferredGroup } from '../db/deferred-indexes';
import type { PageApplier } from './page-applier';

export interface DeferredIndexBuildOptions {
  applier: Pick<PageApplier, 'orderHistoryReady' | 'directoryReady' | 'buildDeferredIndexes' | 'readCursor'>;
  /** Sends the status out now (before long synchronous work, during which no timer fires). */
  publishStatus?: (() => void) | undefined;
  /** This connection committed to the cache (indexes built). */
  onCommitted?: (() => void) | undefined;
  log: (message: string) => void;
}

export class DeferredIndexBuild {
  /** False while order tables lack the indexes a first copy builds at its end. */
  orderHistoryReady = true;
  /** False while contact tables lack the indexes (and customers the name search) a first copy builds after them. */
  directoryReady = true;
  /** The deferred indexes are being built (this thread is busy with it). */
  building = false;

  constructor(private readonly options: DeferredIndexBuildOptions) {
    this.refresh();
  }

  /** Reads from the cache which deferred indexes are there. */
  refresh(): void {
    this.orderHistoryReady = this.options.applier.orderHistoryReady();
    this.directoryReady = this.options.applier.directoryReady();
  }

  /**
   * Indexes a copy deferred, when no copy is running: it stopped (a quit, a crash) after its last
   * page and before the build, or the build failed (the cycle fails and is retried with backoff).
   * A copy still under way builds them at its end, and one that starts over before it begins.
   */
  buildLeftOver(): void {
    const applier = this.options.applier;
    if ((!applier.orderHistoryReady() || !applier.directoryReady()) && applier.readCursor().phase === 'log') this.build();
  }

  /** Builds what the copy deferred (one group, or all that is pending). */
  build(group?: DeferredGroup): void {
    this.refresh();
    const pending = group === 'directory' ? !this.directoryReady : group === 'orderHistory' ? !this.orderHistoryReady : !this.directoryReady || !this.orderHistoryReady;
    if (!pending) return;
    // Building takes seconds per index on a big cache, with this thread busy: say so first.
    this.building = true;
    this.options.publishStatus?.();
    try {
      const built = this.options.applier.buildDeferredIndexes(group);
      if (built.length > 0) {
        this.options.log(`built what the first copy deferred: ${built.join(', ')}`);
        this.options.onCommitted?.();
      }
    } finally {
      this.building = false;
      this.refresh();
    }
  }
}
