import type { ScreenPop } from '../../src-shared/contracts';
import { SCREEN_POP_EVENT } from '../../src-shared/contracts';

/** What the relay needs of a window's WebContents. */
export interface ScreenPopTarget {
  send(channel: string, pop: ScreenPop): void;
}

/** Calls that arrive before a page can hear them (cold start, reload): keep the newest few. */
const MAX_PENDING = 10;

/**
 * Incoming-call screen-pops from deep links. A call can arrive before the window exists or while
 * the page is loading; it waits here until the renderer has loaded, then goes out in order.
 */
export class ScreenPopRelay {
  private readonly pending: ScreenPop[] = [];
  private target: ScreenPopTarget | null = null;

  deliver(pop: ScreenPop): void {
    const copy: ScreenPop = { from: pop.from };
    if (this.target) {
      this.target.send(SCREEN_POP_EVENT, copy);
      return;
    }
    this.pending.push(copy);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /** The page finished loading: from now on pops go straight to it. */
  rendererLoaded(target: ScreenPopTarget): void {
    this.target = target;
    for (const pop of this.pending.splice(0)) target.send(SCREEN_POP_EVENT, pop);
  }

  /** The page is (re)loading or gone: queue again. */
  rendererUnloaded(): void {
    this.target = null;
  }

  get queued(): readonly ScreenPop[] {
    return this.pending;
  }
}
