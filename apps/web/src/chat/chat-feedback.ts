import type { ChatError, ChatMode, ChatSent } from '@onda/contracts';

/** What the input shows after a send (or why it cannot send): one of a closed set, each with its own text. */
export type SendFeedback =
  | { kind: 'held' }
  | { kind: 'dropped' }
  | { kind: 'masked' }
  /** Slow mode or the message rate limit; `until` is when sending works again (epoch ms). */
  | { kind: 'slow-mode'; until: number }
  | { kind: 'rate-limited'; until: number }
  | { kind: 'timed-out'; until: number }
  | { kind: 'banned' }
  | { kind: 'registered-only' }
  | { kind: 'too-long' }
  /** Not connected or not joined (yet). */
  | { kind: 'offline' }
  /**
   * Connected, but the chat service behind this server cannot take messages for a moment (its Redis is down or
   * the server is shutting down): the message was not sent, and it is said so rather than shown as delivered.
   */
  | { kind: 'unavailable'; until: number }
  | { kind: 'failed'; detail: string };

/** Kinds that block the input until `until` passes (a countdown is shown). */
export type WaitFeedback = Extract<SendFeedback, { until: number }>;

/** Maps a successful send to feedback (null: delivered, nothing to say). */
export function sentFeedback(sent: ChatSent): SendFeedback | null {
  switch (sent.outcome) {
    case 'delivered':
      return null;
    case 'masked':
      return { kind: 'masked' };
    case 'held':
      return { kind: 'held' };
    case 'dropped':
      return { kind: 'dropped' };
  }
}

/**
 * Maps a refused send to feedback. The server answers bans and timeouts with `forbidden` (a timeout carries
 * `retryAfterMs`), slow mode and the flood limit with `rate_limited`, registered-only rooms with `unauthenticated`.
 */
export function errorFeedback(error: ChatError, mode: ChatMode, now: number): SendFeedback {
  const until = now + (error.retryAfterMs ?? 0);
  switch (error.code) {
    case 'rate_limited':
      return mode.slowModeSeconds > 0 && /slow/i.test(error.detail) ? { kind: 'slow-mode', until } : { kind: 'rate-limited', until };
    case 'forbidden':
      if (/registered|sign(ed)?[ -]in/i.test(error.detail)) return { kind: 'registered-only' };
      return error.retryAfterMs !== undefined ? { kind: 'timed-out', until } : { kind: 'banned' };
    case 'unauthenticated':
      return { kind: 'registered-only' };
    case 'payload_too_large':
      return { kind: 'too-long' };
    case 'validation_failed':
      return /at most|too long|max/i.test(error.detail) ? { kind: 'too-long' } : { kind: 'failed', detail: error.detail };
    case 'unavailable':
      // The server's refusals carry a retry time; the client's own (no socket, no answer) do not.
      return error.retryAfterMs !== undefined ? { kind: 'unavailable', until } : { kind: 'offline' };
    default:
      return { kind: 'failed', detail: error.detail };
  }
}

/** True for feedback that should stop the viewer from typing another message right away. */
export function isWait(feedback: SendFeedback | null, now: number): feedback is WaitFeedback {
  return feedback !== null && 'until' in feedback && typeof feedback.until === 'number' && feedback.until > now;
}

/** Characters as the viewer sees them (an emoji counts once), for the counter and the length limit. */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
