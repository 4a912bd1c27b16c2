/** What a session waiting for its publisher needs for the reconnect-window decision. */
export interface ReconnectingSession {
  state: string;
  disconnectedAt: Date | null;
  /** Set by the expiry once the window has passed, while the worker finalises the playlists. */
  endReason: string | null;
}

export const WINDOW_PASSED = 'publisher did not reconnect in time';

/**
 * The reconnect window as a timer instead of a side effect of a GET:
 * - `wait`: still inside the window (or not waiting at all);
 * - `finish`: the window has passed: mark it, so the worker writes ENDLIST and then reports `ended`
 *   (the session ends only then: a replay opened at `ended` is already final);
 * - `end`: marked long enough ago that no worker can still be finalising (it died): end it here;
 *   a retried job of a dead worker finalises its playlists later (LiveSession.finalise).
 */
export function reconnectVerdict(s: ReconnectingSession, windowSeconds: number, now: number, workerGraceMs: number): 'wait' | 'finish' | 'end' {
  if (s.state !== 'reconnecting' || !s.disconnectedAt) return 'wait';
  const passedAt = s.disconnectedAt.getTime() + windowSeconds * 1000;
  if (now <= passedAt) return 'wait';
  if (now > passedAt + workerGraceMs) return 'end';
  return s.endReason === null ? 'finish' : 'wait';
}
