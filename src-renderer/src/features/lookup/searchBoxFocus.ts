/**
 * The search box is the screen's home position: the global shortcuts, Esc from a card and a
 * screen-pop all return the caret to it. The box registers itself here; others ask for focus.
 */
let searchBox: HTMLInputElement | null = null;

export function registerSearchBox(element: HTMLInputElement | null): void {
  searchBox = element;
}

export function focusSearchBox(options: { selectAll?: boolean } = {}): void {
  if (!searchBox) return;
  searchBox.focus();
  if (options.selectAll) searchBox.select();
}
