import { useEffect, useRef } from 'react';
import { registerShortcut, type ShortcutId } from './shortcuts';

/** While mounted (and `enabled`), the shortcut `id` runs `action` (the latest one passed). */
export function useShortcut(id: ShortcutId, action: () => void, enabled = true): void {
  const latest = useRef(action);
  latest.current = action;
  useEffect(() => {
    if (!enabled) return;
    return registerShortcut(id, () => latest.current());
  }, [id, enabled]);
}
