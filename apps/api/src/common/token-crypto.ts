import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API tokens and stream keys are 256-bit random secrets; a SHA-256 digest is enough to look them up at rest. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

export const randomSecret = (prefix: string, bytes = 32): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
