import { extname } from 'node:path';

/** Thrown for a key or prefix the drivers refuse (both drivers apply the same rules). */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/**
 * Keys are relative, slash-separated paths. Both drivers enforce the same rules so a key that works in
 * embedded mode works on S3 and cannot escape the local root: no leading `/`, no backslash or NUL, no
 * empty segment, and no segment starting with `.` (that rules out `.`/`..` and leaves dot-names free for
 * the local driver's temp files and metadata folder).
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty key');
  if (key.length > 1024) throw new InvalidKeyError(key, 'longer than 1024 characters');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'absolute keys are not allowed');
  if (key.includes('\\') || key.includes('\0')) throw new InvalidKeyError(key, 'backslash and NUL are not allowed');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'empty path segment');
    if (segment.startsWith('.')) throw new InvalidKeyError(key, `segment "${segment}" starts with "."`);
  }
}

/**
 * A prefix is a key's beginning: `''` (everything), `live/abc/` or a partial name like `live/abc/r0_`.
 * Every complete segment follows the key rules.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const complete = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(complete);
}

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.vtt': 'text/vtt',
  '.json': 'application/json',
};

/** Content type from a key's extension (HLS, media, images), `application/octet-stream` otherwise. */
export function contentTypeForKey(key: string): string {
  return CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * `Content-Disposition: attachment` for a download name: an ASCII fallback for old clients plus the
 * RFC 5987 UTF-8 form (Korean titles survive), with quotes, slashes and control characters removed.
 */
export function attachmentDisposition(name: string): string {
  const clean = [...name].filter((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f' && !'"\\/'.includes(c)).join('').trim().slice(0, 200) || 'download';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
