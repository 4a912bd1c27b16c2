/** Formats an ISO timestamp as a short date and time in the UI language. */
export function formatDateTime(iso: string, language: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === now.toDateString();
  // Today's streams only need the time; older ones need the day too.
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeStyle: 'short' }
    : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(language, options).format(date);
}

/** Formats a count in the UI language (e.g. thousands separators). */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A duration such as "1h 5m" / "1시간 5분" in the UI language, from two ISO timestamps (end defaults to now). */
export function formatDuration(startIso: string, endIso: string | null, language: string, now: Date = new Date()): string {
  const end = endIso ? new Date(endIso) : now;
  return formatSpan((end.getTime() - new Date(startIso).getTime()) / 1000, language);
}

/** A span of time in words, coarse like an ETA: "45s", "3m 20s", "1h 5m" / "45초", "3분 20초", "1시간 5분". */
export function formatSpan(totalSeconds: number, language: string): string {
  let seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  if (hours) return [unit(hours, 'hour'), unit(minutes, 'minute')].join(' ');
  if (minutes) return [unit(minutes, 'minute'), unit(seconds, 'second')].join(' ');
  return unit(seconds, 'second');
}

/**
 * How long a broadcast has run, as a card shows it: hours and minutes ("1h 5m" / "1시간 5분"), minutes alone
 * under an hour, and null for its first minute (the card says "just started" instead of counting seconds).
 */
export function formatUptime(startIso: string, language: string, now: Date = new Date()): string | null {
  const minutes = Math.floor((now.getTime() - new Date(startIso).getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return null;
  const unit = (value: number, name: 'hour' | 'minute') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  const hours = Math.floor(minutes / 60);
  return hours ? `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}` : unit(minutes, 'minute');
}
