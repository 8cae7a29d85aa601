import { useEffect, useState } from 'react';

/** `Date.now()`, refreshed every `ms` while `active` (a countdown on screen); static otherwise. */
export function useNow(active: boolean, ms = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
  return active ? now : Date.now();
}
