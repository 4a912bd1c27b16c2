import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A duration such as "1h 5m" / "1시간 5분" in the UI language, from two ISO timestamps (end defaults to now). */
export function formatDuration(startIso: string, endIso: string | null, language: string, now: Date = new Date()): string {
  const end = endIso ? new Date(endIso) : now;
  let seconds = Math.max(0, Math.round((end.getTime() - new Date(startIso).getTime()) / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  const parts = hours ? [unit(hours, 'hour'), unit(minutes, 'minute')] : minutes ? [unit(minutes, 'minute'), unit(seconds, 'second')] : [unit(seconds, 'second')];
  return parts.join(' ');
}

/** The message to show for a failed call: the server's detail for 4xx, a translated text otherwise. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('errors.unreachableTitle');
    if (error.status >= 400 && error.status < 500) return error.message;
  }
  return t('errors.generic');
}

/** True when the API says the caller is not signed in (or the session expired). */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
