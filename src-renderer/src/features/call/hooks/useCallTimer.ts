import { useEffect, useState } from 'react';
import type { CallState } from '../../../../../src-shared/contracts/calls';

/** Milliseconds of the part of the call that is running now (talk, hold or wrap-up), ticking each second. */
export function useCallTimer(call: CallState | null, receivedAt: number): { talkMs: number; holdMs: number; wrapUpMs: number } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (call === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [call]);
  if (call === null) return { talkMs: 0, holdMs: 0, wrapUpMs: 0 };
  const since = Math.max(0, now - receivedAt);
  const { talkMs, holdMs, wrapUpMs } = call.timings;
  return {
    talkMs: talkMs + (call.status === 'active' ? since : 0),
    holdMs: holdMs + (call.status === 'on_hold' ? since : 0),
    wrapUpMs: wrapUpMs + (call.status === 'wrap_up' ? since : 0),
  };
}

export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
