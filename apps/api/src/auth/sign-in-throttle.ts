import { createHash } from 'node:crypto';
import { AppError } from '../common/app-error.js';
import type { RateLimiter, RateLimitOptions } from '../common/rate-limit.js';

/** Attempts per account (by email) and per client address; shared through Redis when REDIS_URL is set. */
export const SIGN_IN_LIMITS: { perAccount: RateLimitOptions; perAddress: RateLimitOptions } = {
  perAccount: { limit: 10, windowMs: 15 * 60_000 },
  perAddress: { limit: 30, windowMs: 15 * 60_000 },
};

/**
 * Password guessing costs the attacker time (security issue #12, finding 8): a few attempts per account and per
 * address in a window, then 429 with Retry-After, answered before any password hashing, so a flood of guesses
 * costs the server nothing either. The account key is a digest of the normalised email (no addresses in Redis).
 */
export class SignInThrottle {
  constructor(
    private readonly perAccount: RateLimiter,
    private readonly perAddress: RateLimiter,
  ) {}

  /** Single-use links (invitation accept, password reset) count against the client address's sign-in budget. */
  async checkAddress(address: string): Promise<void> {
    const verdict = await this.perAddress.hit(`signin:ip:${address}`);
    if (!verdict.allowed) throw new AppError('rate_limited', `Too many attempts; try again in ${verdict.retryAfterSeconds} s`, [{ path: 'retryAfter', message: String(verdict.retryAfterSeconds) }]);
  }

  async check(email: string, address: string): Promise<void> {
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    const byAddress = await this.perAddress.hit(`signin:ip:${address}`);
    const byAccount = byAddress.allowed ? await this.perAccount.hit(`signin:acct:${account}`) : byAddress;
    const verdict = byAddress.allowed ? byAccount : byAddress;
    if (!verdict.allowed) {
      throw new AppError('rate_limited', `Too many sign-in attempts; try again in ${verdict.retryAfterSeconds} s`, [{ path: 'retryAfter', message: String(verdict.retryAfterSeconds) }]);
    }
  }
}
