/** Dates and times as the workstation reads them. */
const dateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatDateTime(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Today as YYYY-MM-DD in the workstation's calendar. */
export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** An epoch-ms time (the central store's clock) as the workstation reads it; "—" for none. */
export function formatEpoch(ms: number | null): string {
  return ms === null ? '—' : dateTime.format(new Date(ms));
}

/** The start of a YYYY-MM-DD day in the workstation's calendar, as epoch ms; null for an empty or unreadable date. */
export function startOfDay(iso: string, addDays = 0): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const time = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays).getTime();
  return Number.isNaN(time) ? null : time;
}

const calendarDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * A calendar day (YYYY-MM-DD) as the rest of the screen shows dates ("20 Dec 2026"), read as that
 * day in the workstation's calendar (not midnight UTC, which is the day before west of Greenwich).
 */
export function formatCalendarDate(iso: string | null): string {
  if (iso === null || iso === '') return '—';
  const start = startOfDay(iso);
  return start === null ? iso : calendarDate.format(new Date(start));
}
