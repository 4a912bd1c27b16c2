import { Inject, Injectable } from '@nestjs/common';
import type { SignInThrottle } from '../auth/sign-in-throttle.js';
import { randomSecret, sha256Hex } from '../common/token-crypto.js';
import { API_OPTIONS, SIGN_IN_THROTTLE, type ApiOptions } from '../common/tokens.js';

/** A link just made: the token (shown once, never stored), its digest (stored) and the console address carrying it. */
export interface IssuedLink {
  token: string;
  digest: string;
  url: string;
}

/**
 * The single-use console links of issue 14, an invitation (`/console/accept`) and a password reset (`/console/reset`):
 * a secret token in the fragment of a console address, of which only the digest is kept; redeeming one is rate-limited
 * per address like sign-in.
 */
@Injectable()
export class ConsoleLinks {
  constructor(
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(SIGN_IN_THROTTLE) private readonly throttle: SignInThrottle,
  ) {}

  issue(prefix: 'inv_' | 'rst_', page: 'accept' | 'reset'): IssuedLink {
    const token = randomSecret(prefix);
    return { token, digest: sha256Hex(token), url: `${this.options.publicUrl}/console/${page}#token=${token}` };
  }

  /** The digest to look `token` up by, once `address` is within the sign-in throttle (else the throttle's 429). */
  async redeem(token: string, address: string): Promise<string> {
    await this.throttle.checkAddress(address);
    return sha256Hex(token);
  }
}
