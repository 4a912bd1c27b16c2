import { Inject, Injectable } from '@nestjs/common';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { PlaybackSigner } from './playback-signer.js';
import { PlaybackRepository } from './playback.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CACHE_MS = 5000;

/**
 * Decides whether the media route may serve an object: objects of private channels' sessions only
 * with a valid signature. Visibility is cached a few seconds per session, since hls.js fetches a
 * playlist or segment every second or two per viewer.
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
    const [kind, sessionId] = key.split('/');
    if (kind !== 'live' || !sessionId || !UUID.test(sessionId)) return true;
    const now = Date.now();
    let entry = this.cache.get(sessionId);
    if (!entry || now - entry.at > CACHE_MS) {
      entry = { visibility: await this.repo.sessionVisibility(sessionId), at: now };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(sessionId, entry);
    }
    return entry.visibility !== 'private';
  }
}
