import { createHmac } from 'node:crypto';
import { VOD_FILES } from '@onda/contracts';
import { safeEqual } from '../common/token-crypto.js';
import { mediaBaseUrl, type ApiOptions } from '../common/tokens.js';

const SOURCE_FILES: ReadonlySet<string> = new Set([VOD_FILES.source, VOD_FILES.upload]);

/**
 * Whether `key` is an owner's source material rather than something a player loads: a VOD's upload, its joined
 * recording, or the recording's archive chunks. Such objects are only ever served to one exact signed download.
 */
export function isSourceObject(key: string): boolean {
  const [kind, , file] = key.split('/');
  return kind === 'vod' && file !== undefined && (SOURCE_FILES.has(file) || file === VOD_FILES.archiveChunks);
}

/**
 * Signed media URLs, in two classes that cannot stand in for each other (security issue #12, finding 4):
 * - playback: covers a storage prefix (`live/<session>` or `vod/<id>`) and an expiry, and travels as a path
 *   segment (`/media/s/<exp>.<sig>/live/<session>/master.m3u8`), so the relative URIs inside playlists inherit
 *   it without rewriting. It grants every object under the prefix except source material (`isSourceObject`).
 * - download: covers one exact object key, the file name it is saved as (`?name=`) and an expiry.
 * The class is part of the signed text, so a playback signature never verifies as a download and vice versa.
 */
export class PlaybackSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'onda/playback/v1').update(secret).digest();
  }

  /** A playback token for every player object under `prefix`. */
  token(prefix: string, expiresAtSeconds: number): string {
    return `${expiresAtSeconds}.${this.sig(`playback\n${prefix}`, expiresAtSeconds)}`;
  }

  /** A download token for exactly `key`, saved as `name`. */
  downloadToken(key: string, name: string, expiresAtSeconds: number): string {
    return `${expiresAtSeconds}.${this.sig(`download\n${key}\n${name}`, expiresAtSeconds)}`;
  }

  /** Whether `token` grants `key` now; for source objects only a download token of that key and `name` does. */
  verify(token: string, key: string, nowSeconds = Math.floor(Date.now() / 1000), name = ''): boolean {
    const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(token);
    if (!match) return false;
    const exp = Number(match[1]);
    if (exp < nowSeconds) return false;
    const scope = isSourceObject(key) ? `download\n${key}\n${name}` : `playback\n${key.split('/').slice(0, 2).join('/')}`;
    return safeEqual(match[2]!, this.sig(scope, exp));
  }

  private sig(scope: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${scope}\n${exp}`).digest('hex');
  }
}

/** Where a player fetches `<prefix>/<path>`: a signed `/media/s/<exp>.<sig>/...` URL when `sign` (private media), else under the media base. */
export function playbackObjectUrl(
  signer: PlaybackSigner,
  options: ApiOptions,
  prefix: string,
  path: string,
  sign: boolean,
): string {
  if (!sign) return `${mediaBaseUrl(options)}/${prefix}/${path}`;
  const exp = Math.floor(Date.now() / 1000) + (options.playbackTtlSeconds ?? 6 * 3600);
  return `${options.publicUrl}/media/s/${signer.token(prefix, exp)}/${prefix}/${path}`;
}
