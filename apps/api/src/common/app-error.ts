import type { ErrorCode } from '@onda/contracts';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  stream_key_invalid: 403,
  internal: 500,
};

const TITLE: Record<ErrorCode, string> = {
  validation_failed: 'Request validation failed',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  gone: 'Gone',
  unprocessable: 'Unprocessable request',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  stream_key_invalid: 'Stream key invalid',
  internal: 'Internal error',
};

export interface FieldError {
  path: string;
  message: string;
}

/** The one error domain code throws; the problem filter maps its code to an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  get title(): string {
    return TITLE[this.code];
  }
}

export const statusOf = (code: ErrorCode): number => STATUS[code];
export const titleOf = (code: ErrorCode): string => TITLE[code];

export function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(STATUS) as Array<[ErrorCode, number]>).find(([code, s]) => s === status && code !== 'stream_key_invalid');
  if (match) return match[0];
  return status >= 500 ? 'internal' : 'validation_failed';
}
