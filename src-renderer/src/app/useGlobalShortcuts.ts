import { useEffect } from 'react';
import { useAppStore } from './store';
import { registerShortcut, runShortcut, shortcutFor } from './shortcuts';
import { focusSearchBox } from '../features/lookup/searchBoxFocus';
import { lockNow } from '../features/auth/session';

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/**
 * Shortcuts that work wherever focus is, as `shortcuts.ts` declares them: Ctrl+K (⌘K), F2, and "/"
 * when not typing in a field bring the caret back to the search box; Esc leaves a card or the
 * new-customer form for the results; Ctrl+L locks. The call's and the customer's shortcuts run
 * what the mounted screen registered for them. While a modal dialog is open (the shortcuts
 * overlay) only it gets keys.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const unregister = [
      registerShortcut('search', () => focusSearchBox({ selectAll: true })),
      registerShortcut('searchF2', () => focusSearchBox({ selectAll: true })),
      registerShortcut('searchSlash', () => focusSearchBox({ selectAll: true })),
      registerShortcut('lock', () => void lockNow()),
    ];
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      if (document.querySelector('dialog[open]')) return;
      const id = shortcutFor(event, isTypingTarget(event.target));
      if (id === null) return;
      if (id === 'back') {
        const store = useAppStore.getState();
        if (store.view.kind !== 'results') {
          event.preventDefault();
          store.backToResults();
          focusSearchBox();
        }
        return;
      }
      if (runShortcut(id)) event.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      for (const off of unregister) off();
    };
  }, []);
}
