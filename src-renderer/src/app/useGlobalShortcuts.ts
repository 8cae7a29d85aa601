import { useEffect } from 'react';
import { useAppStore } from './store';
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
 * Shortcuts that work wherever focus is: Ctrl+K (⌘K), F2, and "/" when not typing in a field bring
 * the caret back to the search box; Esc leaves a card or the new-customer form for the results.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        focusSearchBox({ selectAll: true });
      } else if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        void lockNow();
      } else if (plain && event.key === 'F2') {
        event.preventDefault();
        focusSearchBox({ selectAll: true });
      } else if (plain && event.key === '/' && !isTypingTarget(event.target)) {
        event.preventDefault();
        focusSearchBox({ selectAll: true });
      } else if (plain && event.key === 'Escape') {
        const store = useAppStore.getState();
        if (store.view.kind !== 'results') {
          event.preventDefault();
          store.backToResults();
          focusSearchBox();
        }
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
