import type { ChatError, ErrorCode } from '@onda/contracts';
import { AppError } from '../common/app-error.js';
import { isDependencyDown } from '../common/dependency-down.js';

/** An AppError that may tell the client when to try again (rate limits, slow mode, timeouts). */
export class ChatRefusal extends AppError {
  constructor(
    code: ErrorCode,
    detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(code, detail);
  }
}

/** The `{code, detail, retryAfterMs?}` of a failed acknowledgement. */
export function chatError(error: unknown): ChatError {
  if (error instanceof AppError) {
    const retry = error instanceof ChatRefusal && error.retryAfterMs !== undefined ? { retryAfterMs: Math.max(0, Math.ceil(error.retryAfterMs)) } : {};
    return { code: error.code, detail: error.detail, ...retry };
  }
  // Redis or the database unreachable: the client keeps the message and sends it again shortly.
  if (isDependencyDown(error)) return { code: 'unavailable', detail: 'Chat is briefly unavailable; try again shortly', retryAfterMs: 2000 };
  return { code: 'internal', detail: 'Something went wrong on the server' };
}
