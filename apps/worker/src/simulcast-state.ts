import type { DestinationState } from '@onda/contracts';
import { backoffMs } from './retry.js';

export interface PushStateOptions {
  /** First retry delay (default 1 s), doubling per failed attempt... */
  baseMs?: number;
  /** ...up to this (default 30 s). */
  capMs?: number;
  /** Consecutive attempts that never went live before the push is given up as failed (default 8, about 2 minutes). */
  maxAttempts?: number;
}

/** What a push does next after an event: its state, the reason shown, and how long to wait before the next attempt. */
export interface PushStep {
  state: DestinationState;
  reason: string | null;
  /** Set with `retrying`: wait this long, then attempt again. */
  delayMs?: number;
}

/**
 * The state machine of one destination's push: connecting -> live when frames reach it; an attempt that ends
 * -> retrying with exponential backoff, or failed with its reason once it cannot be helped (the address guard
 * refused the destination) or after `maxAttempts` attempts in a row that never went live. Going live resets
 * the count, so a destination that drops after an hour starts over at the shortest delay. An attempt that ended
 * while the source itself was away (encoder reconnecting) does not count against the destination.
 */
export class PushState {
  state: DestinationState = 'idle';
  reason: string | null = null;
  /** Failed attempts since the push was last live. */
  attempts = 0;
  private readonly o: Required<PushStateOptions>;

  constructor(options: PushStateOptions = {}) {
    this.o = { baseMs: 1000, capMs: 30_000, maxAttempts: 8, ...options };
  }

  /** An attempt starts. */
  connect(): PushStep {
    return this.set('connecting', null);
  }

  /** Frames reach the destination. */
  flowing(): PushStep {
    this.attempts = 0;
    return this.set('live', null);
  }

  /** The attempt ended: `permanent` when retrying cannot help, `sourceAway` when the source was not there to push. */
  ended(reason: string, opts: { permanent?: boolean; sourceAway?: boolean } = {}): PushStep {
    if (opts.permanent) return this.set('failed', reason);
    if (!opts.sourceAway) this.attempts++;
    if (this.attempts >= this.o.maxAttempts) return this.set('failed', `${reason} (gave up after ${this.attempts} attempts)`);
    return { ...this.set('retrying', reason), delayMs: backoffMs(Math.max(1, this.attempts), this.o.baseMs, this.o.capMs) };
  }

  /** The push was stopped (broadcast over, destination disabled or removed). */
  stopped(): PushStep {
    this.attempts = 0;
    return this.set('idle', null);
  }

  private set(state: DestinationState, reason: string | null): PushStep {
    this.state = state;
    this.reason = reason;
    return { state, reason };
  }
}
