import { createHmac } from 'node:crypto';
import { safeEqual } from '../auth/token-crypto.js';

/**
 * Signed playback for private channels. The signature covers a storage prefix (`live/<session>`)
 * and an expiry, and travels as a path segment (`/media/s/<exp>.<sig>/live/<session>/master.m3u8`),
 * so the relative URIs inside playlists (variant playlists, segments) inherit it without rewriting.
 */
export class PlaybackSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'onda/playback/v1').update(secret).digest();
  }

  token(prefix: string, expiresAtSeconds: number): string {
    return `${expiresAtSeconds}.${this.sig(prefix, expiresAtSeconds)}`;
  }

  /** Whether `token` grants `key` (an object under the signed prefix) now. */
  verify(token: string, key: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(token);
    if (!match) return false;
    const exp = Number(match[1]);
    if (exp < nowSeconds) return false;
    const prefix = key.split('/').slice(0, 2).join('/');
    return safeEqual(match[2]!, this.sig(prefix, exp));
  }

  private sig(prefix: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${prefix}\n${exp}`).digest('hex');
  }
}
