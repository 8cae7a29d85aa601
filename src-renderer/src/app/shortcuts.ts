/**
 * Every keyboard shortcut of the desk, declared once (issue 19, item 6). The global key handler
 * (`useGlobalShortcuts`), the hints on the controls (`aria-keyshortcuts` and the visible `<kbd>`)
 * and the "?" overlay all read this table; nothing else lists keys.
 *
 * The call's actions, the tabs and the quick actions use Alt with a letter, matched by the physical
 * key (`event.code`) so macOS Option characters and other layouts still match. Letters that
 * Chromium or Electron take are left alone: Alt+D (address bar), Alt+F and Alt+E (the browser
 * menu), and Electron's default menu bar mnemonics Alt+F, E, V, W, H; Alt+digits switch tabs in
 * Chromium on Linux, so the tabs take letters too.
 *
 * No DOM here: the e2e tests read the same table (tsconfig.node.json includes this file).
 */

export type ShortcutGroup = 'Anywhere' | 'Call' | 'Customer' | 'Order';

interface Keys {
  /** Alt (Option on macOS) with a letter key, matched by `event.code`. */
  alt?: string;
  /** Ctrl (⌘ on macOS) with a letter, matched by `event.key`. */
  ctrl?: string;
  /** A key alone, matched by `event.key`; only when not typing in a text field unless `whileTyping`. */
  key?: string;
  whileTyping?: boolean;
}

export interface Shortcut {
  readonly group: ShortcutGroup;
  readonly description: string;
  readonly keys: Keys;
}

export const SHORTCUTS = {
  search: { group: 'Anywhere', description: 'Go to the search box', keys: { ctrl: 'K' } },
  searchF2: { group: 'Anywhere', description: 'Go to the search box', keys: { key: 'F2', whileTyping: true } },
  searchSlash: { group: 'Anywhere', description: 'Go to the search box (when not typing)', keys: { key: '/' } },
  back: { group: 'Anywhere', description: 'Back to the results / search', keys: { key: 'Escape', whileTyping: true } },
  lock: { group: 'Anywhere', description: 'Lock the workstation', keys: { ctrl: 'L' } },
  help: { group: 'Anywhere', description: 'Show these shortcuts', keys: { key: '?' } },
  holdResume: { group: 'Call', description: 'Hold / resume the call', keys: { alt: 'O' } },
  endCall: { group: 'Call', description: 'End the call', keys: { alt: 'X' } },
  completeCall: { group: 'Call', description: 'Complete the call (wrap-up)', keys: { alt: 'C' } },
  acceptSuggestion: { group: 'Customer', description: 'Accept the first open suggestion', keys: { alt: 'A' } },
  declineSuggestion: { group: 'Customer', description: 'Decline the first open suggestion', keys: { alt: 'R' } },
  logComplaint: { group: 'Customer', description: 'Log a complaint', keys: { alt: 'L' } },
  addNote: { group: 'Customer', description: 'Add a note', keys: { alt: 'N' } },
  tabPurchases: { group: 'Customer', description: 'Past purchases tab', keys: { alt: 'P' } },
  tabTimeline: { group: 'Customer', description: 'Timeline tab', keys: { alt: 'T' } },
  tabComplaints: { group: 'Customer', description: 'Complaints tab', keys: { alt: 'K' } },
  tabNotes: { group: 'Customer', description: 'Notes tab', keys: { alt: 'M' } },
  tabHistory: { group: 'Customer', description: 'Contact history tab', keys: { alt: 'Y' } },
  orderProduct: { group: 'Order', description: 'Add a product to the order (search)', keys: { alt: 'I' } },
  orderCode: { group: 'Order', description: 'Campaign code', keys: { alt: 'G' } },
  orderDiscount: { group: 'Order', description: 'Manual discount', keys: { alt: 'U' } },
  submitOrder: { group: 'Order', description: 'Submit the order', keys: { alt: 'S' } },
} as const satisfies Record<string, Shortcut>;

export type ShortcutId = keyof typeof SHORTCUTS;
export const SHORTCUT_IDS = Object.keys(SHORTCUTS) as ShortcutId[];

/** The keys as ARIA spells them (`aria-keyshortcuts`): "Alt+O", "Control+K", "?". */
export function ariaKeyShortcuts(id: ShortcutId): string {
  const keys: Keys = SHORTCUTS[id].keys;
  if (keys.alt) return `Alt+${keys.alt}`;
  if (keys.ctrl) return `Control+${keys.ctrl}`;
  return keys.key ?? '';
}

/** The keys as the screen shows them, one string per key cap: ["Alt", "O"]. */
export function keyCaps(id: ShortcutId): string[] {
  const keys: Keys = SHORTCUTS[id].keys;
  if (keys.alt) return ['Alt', keys.alt];
  if (keys.ctrl) return ['Ctrl', keys.ctrl];
  return [keys.key === 'Escape' ? 'Esc' : (keys.key ?? '')];
}

/** The parts of a key press a shortcut is matched on (a DOM KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

function matches(keys: Keys, event: KeyPress, typing: boolean): boolean {
  if (keys.alt) return event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.code === `Key${keys.alt}`;
  if (keys.ctrl) return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === keys.ctrl.toLowerCase();
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.key !== keys.key) return false;
  return keys.whileTyping === true || !typing;
}

/** Which declared shortcut a key press is, if any; `typing`: focus is in a text field. */
export function shortcutFor(event: KeyPress, typing: boolean): ShortcutId | null {
  return SHORTCUT_IDS.find((id) => matches(SHORTCUTS[id].keys, event, typing)) ?? null;
}

/**
 * What each shortcut does is registered by the part of the screen that can do it, while it is
 * mounted (the call bar registers hold while a call is talking, the 360 its tabs…). A shortcut with
 * nothing registered does nothing.
 */
const actions = new Map<ShortcutId, () => void>();

export function registerShortcut(id: ShortcutId, action: () => void): () => void {
  actions.set(id, action);
  return () => {
    if (actions.get(id) === action) actions.delete(id);
  };
}

/** Runs the action registered for `id`; false when nothing is registered. */
export function runShortcut(id: ShortcutId): boolean {
  const action = actions.get(id);
  if (!action) return false;
  action();
  return true;
}
