import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { randomSecret, sha256Hex } from '../auth/token-crypto.js';

/**
 * Stream keys are looked up by SHA-256 digest and, so that their owner can read them again (as on
 * every hosted service), also kept encrypted with AES-256-GCM under the server secret. A database dump
 * alone yields neither a usable key nor a way to find one.
 */
export class StreamKeyCrypto {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`onda/stream-key/v1:${secret}`).digest();
  }

  /** A new key: `live_` + 32 URL-safe characters, within RTMP stream-name rules ([A-Za-z0-9_-]). */
  generate(): string {
    return randomSecret('live_', 24);
  }

  hash(streamKey: string): string {
    return sha256Hex(streamKey);
  }

  encrypt(streamKey: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(streamKey, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string): string {
    const [version, iv, tag, body] = ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || !body) throw new Error('Unknown stream key ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** For logs: enough to tell keys apart, never enough to publish with. */
export const redactKey = (streamKey: string): string => `${streamKey.slice(0, 9)}…`;
