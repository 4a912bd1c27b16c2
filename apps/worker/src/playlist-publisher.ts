import { rm } from 'node:fs/promises';
import type { ObjectStorage } from '@onda/storage';
import { emptyMediaPlaylist, renderMediaPlaylist, type MediaPlaylist } from '@onda/media';
import type { Logger } from './logger.js';
import { retry, type RetryOptions } from './retry.js';

export const SEGMENT_CACHE = 'public, max-age=31536000, immutable';
// Live playlists change every segment: cacheable for about half a segment at most.
export const PLAYLIST_CACHE = 'public, max-age=1';
export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

export interface PlaylistPublisherOptions {
  storage: ObjectStorage;
  /** Storage folder of this rendition, e.g. `live/<session>/720p`. */
  keyPrefix: string;
  segmentSeconds: number;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** Called once with the first segment's local file before it is uploaded and deleted (codec probing). */
  inspectFirst?: (localPath: string, duration: number) => Promise<void>;
  /** Called after each segment is in storage and named by the published playlist. */
  onPublished?: () => void;
}

/**
 * The published playlist of one rendition. It owns its playlist model, so the media sequence and discontinuities
 * survive ffmpeg restarts, and one serial queue, so a playlist never names a segment that is not in storage yet.
 */
export class PlaylistPublisher {
  private model: MediaPlaylist;
  private queue: Promise<void> = Promise.resolve();
  private discontinuityNext = false;
  private readonly queued = new Set<string>();
  private readonly retryOpts: RetryOptions;
  private inspected = false;

  constructor(private readonly opts: PlaylistPublisherOptions) {
    this.model = emptyMediaPlaylist(opts.segmentSeconds);
    this.retryOpts = { attempts: 8, baseMs: 200, maxMs: 5000, ...opts.retry };
  }

  /** Continues a playlist published by an earlier worker; the next segment starts a discontinuity. */
  restore(published: MediaPlaylist): void {
    this.model = { ...published, endList: false, playlistType: 'EVENT', segments: [...published.segments] };
    for (const s of published.segments) this.queued.add(s.uri);
    if (published.segments.length > 0) this.discontinuityNext = true;
  }

  /** The next segment follows a break in timestamps (ffmpeg restarted). */
  markDiscontinuity(): void {
    if (this.model.segments.length > 0 || this.queued.size > 0) this.discontinuityNext = true;
  }

  /** Whether a segment file was already handed over (ffmpeg's local playlist repeats every segment). */
  has(uri: string): boolean {
    return this.queued.has(uri);
  }

  /** Queues: upload the segment, then publish the playlist that names it, then delete the local file. */
  addSegment(localPath: string, uri: string, duration: number): Promise<void> {
    this.queued.add(uri);
    const discontinuity = this.discontinuityNext;
    this.discontinuityNext = false;
    return this.enqueue(async () => {
      if (!this.inspected && this.opts.inspectFirst) {
        this.inspected = true;
        await this.opts.inspectFirst(localPath, duration).catch((err) => this.opts.logger.warn({ err, uri }, 'first segment inspection failed'));
      }
      try {
        await this.withRetry(`segment ${uri}`, () =>
          this.opts.storage.putFile(`${this.opts.keyPrefix}/${uri}`, localPath, { contentType: 'video/mp2t', cacheControl: SEGMENT_CACHE }),
        );
      } catch (err) {
        // Never name a segment that is not in storage; the gap becomes a discontinuity for players.
        this.opts.logger.error({ err, uri }, 'segment upload failed, skipping it');
        this.discontinuityNext = true;
        return;
      }
      this.model.segments.push({ uri, duration, discontinuity });
      // EXTINF rounded must not exceed the target duration (RFC 8216 4.3.3.1).
      this.model.targetDuration = Math.max(this.model.targetDuration, Math.round(duration));
      await this.putPlaylist();
      await rm(localPath, { force: true });
      this.opts.onPublished?.();
    });
  }

  /** Queues the final playlist with `#EXT-X-ENDLIST`. */
  finish(): Promise<void> {
    return this.enqueue(async () => {
      this.model.endList = true;
      await this.putPlaylist();
    });
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  get segmentCount(): number {
    return this.model.segments.length;
  }

  get mediaSeconds(): number {
    return this.model.segments.reduce((sum, s) => sum + s.duration, 0);
  }

  /** A copy of the published model (for tests and diagnostics). */
  snapshot(): MediaPlaylist {
    return structuredClone(this.model);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((err) => this.opts.logger.error({ err, prefix: this.opts.keyPrefix }, 'playlist task failed'));
    this.queue = next;
    return next;
  }

  private async putPlaylist(): Promise<void> {
    const body = renderMediaPlaylist(this.model);
    await this.withRetry('playlist', () =>
      this.opts.storage.put(`${this.opts.keyPrefix}/index.m3u8`, body, { contentType: PLAYLIST_TYPE, cacheControl: PLAYLIST_CACHE }),
    ).catch((err) => this.opts.logger.error({ err, prefix: this.opts.keyPrefix }, 'playlist upload failed; the next segment retries it'));
  }

  private withRetry(what: string, fn: () => Promise<void>): Promise<void> {
    return retry(fn, {
      ...this.retryOpts,
      onRetry: (err, attempt, delayMs) => this.opts.logger.warn({ err, what, attempt, delayMs, prefix: this.opts.keyPrefix }, 'upload failed, retrying'),
    });
  }
}
