import { useRef, useState } from 'react';
import { SHORTCUT_IDS, SHORTCUTS, keyCaps, type ShortcutGroup } from './shortcuts';
import { useShortcut } from './useShortcut';

const GROUPS: ShortcutGroup[] = ['Anywhere', 'Call', 'Customer', 'Order'];

/**
 * "?" (or the button) lists every shortcut, from the one declaration. A modal dialog: focus moves
 * into it, Esc or Close shuts it and focus returns to where it was.
 */
export function ShortcutsOverlay() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const [open, setOpen] = useState(false);

  const show = () => {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(true);
    dialog.showModal();
  };
  const close = () => {
    dialogRef.current?.close();
  };
  useShortcut('help', show);

  return (
    <>
      <button type="button" className="button button--quiet shortcuts__open" onClick={show} aria-keyshortcuts="?" aria-haspopup="dialog">
        Shortcuts <kbd aria-hidden="true">?</kbd>
      </button>
      <dialog
        ref={dialogRef}
        className="shortcuts-dialog"
        aria-labelledby="shortcuts-dialog-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            // Handled here so the desk's own Esc (back to the results) does not run as well.
            event.preventDefault();
            event.stopPropagation();
            close();
          }
        }}
        onClose={() => {
          setOpen(false);
          const target = returnTo.current;
          returnTo.current = null;
          if (target?.isConnected) target.focus();
        }}
      >
        <div className="shortcuts-dialog__bar">
          <h2 id="shortcuts-dialog-title">Keyboard shortcuts</h2>
          <button type="button" className="button button--quiet" onClick={close}>
            Close <kbd aria-hidden="true">Esc</kbd>
          </button>
        </div>
        {open &&
          GROUPS.map((group) => (
            <section key={group} aria-labelledby={`shortcuts-group-${group}`}>
              <h3 id={`shortcuts-group-${group}`} className="panel__title">
                {group}
              </h3>
              <dl className="shortcuts-dialog__list">
                {SHORTCUT_IDS.filter((id) => SHORTCUTS[id].group === group).map((id) => (
                  <div key={id} className="facts__row">
                    <dt>
                      {keyCaps(id).map((cap, i) => (
                        <span key={cap}>
                          {i > 0 && '+'}
                          <kbd>{cap}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{SHORTCUTS[id].description}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
      </dialog>
    </>
  );
}
