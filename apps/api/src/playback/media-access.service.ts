import { Inject, Injectable } from '@nestjs/common';
import { VOD_FILES } from '@onda/contracts';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { PlaybackSigner } from './playback-signer.js';
import { PlaybackRepository } from './playback.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CACHE_MS = 5000;

/** Objects under `vod/<id>/` that are the owner's source material: only ever served signed (downloads). */
export const VOD_SOURCE_FILES: ReadonlySet<string> = new Set([VOD_FILES.source, VOD_FILES.upload]);
const OWNER_ONLY = new Set([...VOD_SOURCE_FILES, VOD_FILES.archiveChunks]);

/**
 * Decides whether the media route may serve an object: objects of private channels' sessions
 * (`live/<session>/...`) and VODs (`vod/<id>/...`) only with a valid signature, and a VOD's source
 * files (upload, joined recording, archive chunks) never without one, whatever the channel. Visibility
 * is cached a few seconds per session or VOD, since hls.js fetches a playlist or segment every second
 * or two per viewer.
 */
@Injectable()
export class MediaAccessService {
  private readonly signer: PlaybackSigner;
  private readonly cache = new Map<string, { visibility: string | null; at: number }>();

  constructor(
    private readonly repo: PlaybackRepository,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.signer = new PlaybackSigner(options.secret);
  }

  verifySigned(token: string, key: string): boolean {
    return this.signer.verify(token, key);
  }

  async unsignedAllowed(key: string): Promise<boolean> {
    const [kind, id, file] = key.split('/');
    if ((kind !== 'live' && kind !== 'vod') || !id || !UUID.test(id)) return true;
    if (kind === 'vod' && file !== undefined && OWNER_ONLY.has(file)) return false;
    const cacheKey = `${kind}/${id}`;
    const now = Date.now();
    let entry = this.cache.get(cacheKey);
    if (!entry || now - entry.at > CACHE_MS) {
      const visibility = kind === 'live' ? await this.repo.sessionVisibility(id) : await this.repo.vodVisibility(id);
      entry = { visibility, at: now };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(cacheKey, entry);
    }
    return entry.visibility !== 'private';
  }
}
