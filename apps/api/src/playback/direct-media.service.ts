import { Inject, Injectable } from '@nestjs/common';
import type { ObjectStorage } from '@onda/storage';
import { API_OPTIONS, STORAGE, type ApiOptions, directMedia } from '../common/tokens.js';
import { signPlaylist } from './signed-playlist.js';

const MAX_CACHED = 50_000;

/**
 * Per-object signed URLs for private media when it is delivered from storage or a CDN
 * (`MEDIA_PUBLIC_URL`): a presigned S3 GET by default, or the deployment's own signer (e.g. CDN
 * signed URLs). One URL per object is reused by every viewer for a sixth of its lifetime, so a shared
 * cache in front of the store sees the same URL, and the API signs each object about once.
 */
@Injectable()
export class DirectMediaService {
  readonly enabled: boolean;
  private readonly ttlSeconds: number;
  private readonly cache = new Map<string, { url: string | null; reuseUntil: number }>();

  constructor(
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.enabled = directMedia(options);
    // At least as long as a signed playback URL: a VOD playlist is read once and played for hours.
    this.ttlSeconds = Math.min(options.playbackTtlSeconds ?? 6 * 3600, 7 * 24 * 3600);
  }

  /** A URL the viewer fetches `key` from directly, or null when the store cannot sign (local disk). */
  async objectUrl(key: string): Promise<string | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.reuseUntil > now) return hit.url;
    const url = this.options.objectUrlSigner
      ? await this.options.objectUrlSigner(key, this.ttlSeconds)
      : await this.storage.presignGet(key, { expiresInSeconds: this.ttlSeconds });
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { url, reuseUntil: now + (this.ttlSeconds * 1000) / 6 });
    return url;
  }

  /** The playlist at `key` with each media object it names signed, or null when there is none. */
  async playlist(key: string): Promise<string | null> {
    const object = await this.storage.get(key);
    if (!object) return null;
    const chunks: Buffer[] = [];
    for await (const c of object.body) chunks.push(Buffer.from(c as Uint8Array));
    const dir = key.slice(0, key.lastIndexOf('/'));
    return signPlaylist(Buffer.concat(chunks).toString('utf8'), dir, (k) => this.objectUrl(k));
  }
}
