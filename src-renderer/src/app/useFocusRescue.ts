import { useEffect } from 'react';
import { focusSearchBox } from '../features/lookup/searchBoxFocus';

const CONTROLS = 'button, [href], input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * Focus never drops to the page body (issue 19, item 5). When the control that had focus goes away
 * (Hold becomes Resume, an accepted suggestion's buttons become "Accepted", the call bar closes
 * after wrap-up), focus moves to the first control left in the nearest enclosing
 * `[data-focus-scope]` that is still on screen (or where that scope says), and otherwise to the search box, the desk's home
 * position. Screens that move focus on purpose (a heading, a form's first field) do so in their
 * effects, after this, and win.
 */
export function useFocusRescue(): void {
  useEffect(() => {
    let lastFocused: HTMLElement | null = null;
    let scopes: HTMLElement[] = [];
    const onFocusIn = (event: FocusEvent) => {
      if (!(event.target instanceof HTMLElement)) return;
      lastFocused = event.target;
      scopes = [];
      for (let el = event.target.parentElement?.closest<HTMLElement>('[data-focus-scope]') ?? null; el; el = el.parentElement?.closest<HTMLElement>('[data-focus-scope]') ?? null) {
        scopes.push(el);
      }
    };
    const rescue = () => {
      const active = document.activeElement;
      if (active !== null && active !== document.body) return;
      // Still there (perhaps disabled for a moment while busy): nothing went away, nothing to rescue.
      if (lastFocused === null || lastFocused.isConnected) return;
      for (const scope of scopes) {
        if (!scope.isConnected) continue;
        // A scope may name where focus should land in it (`data-focus-scope="selector"`); else its first control.
        const preferred = scope.dataset.focusScope ? scope.querySelector<HTMLElement>(scope.dataset.focusScope) : null;
        const target = preferred ?? scope.querySelector<HTMLElement>(CONTROLS);
        if (target) {
          // Still disabled while the action that replaced it runs (Resume right after Hold): wait for it.
          if (!(target as HTMLButtonElement).disabled) target.focus();
          return;
        }
      }
      focusSearchBox();
    };
    const observer = new MutationObserver(rescue);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    document.addEventListener('focusin', onFocusIn);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
    };
  }, []);
}
