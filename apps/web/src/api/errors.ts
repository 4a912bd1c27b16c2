import type { TFunction } from 'i18next';
import { ApiError } from './client';

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
