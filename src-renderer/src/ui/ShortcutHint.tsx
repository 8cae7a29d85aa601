import { ariaKeyShortcuts, keyCaps, type ShortcutId } from '../app/shortcuts';

/** The visible key hint on a control; hidden from the accessible name (the control carries `aria-keyshortcuts`). */
export function ShortcutHint({ id }: { id: ShortcutId }) {
  return (
    <kbd className="key-hint" aria-hidden="true">
      {keyCaps(id).join('+')}
    </kbd>
  );
}

/** Props for a control a shortcut activates: `aria-keyshortcuts` from the one declaration. */
export function shortcutProps(id: ShortcutId): { 'aria-keyshortcuts': string } {
  return { 'aria-keyshortcuts': ariaKeyShortcuts(id) };
}
