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
