import { rm } from 'node:fs/promises';
import type { ObjectStorage } from '@onda/storage';
import { emptyMediaPlaylist, renderMediaPlaylist, slidingWindow, type MediaPlaylist } from '@onda/media';
import type { Logger } from './logger.js';
import { retry, type RetryOptions } from './retry.js';

export const SEGMENT_CACHE = 'public, max-age=31536000, immutable';
// Live playlists change every segment. Browsers must revalidate every load (max-age=0): with max-age=1
// a player reloading a second after its last load got the stale copy from its own cache, a second late.
// Shared caches (a CDN in front of the media) may still serve one copy for a second to spare the origin.
export const PLAYLIST_CACHE = 'public, max-age=0, s-maxage=1';
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
  /**
   * Live playlist (`index.m3u8`) as a sliding window of this many seconds; the whole timeline goes to
   * `full.m3u8` (every `fullEverySegments` segments and at the end) and, once the broadcast ends, to
   * `index.m3u8` too, so the replay behind the same master is whole. Unset: one growing EVENT playlist.
   */
  windowSeconds?: number;
  /** How often the whole timeline is rewritten while live (default every 15 segments). */
  fullEverySegments?: number;
}

/**
 * How long a segment upload is retried, counted from when the segment was handed over: a storage outage
 * (or a partition of this worker from it) up to this long loses no segment; they wait on local disk, in
 * order, and go up when storage answers again. Past it a segment is skipped (a discontinuity) so a
 * store that stays down cannot fill the disk.
 */
export const SEGMENT_UPLOAD_BUDGET_MS = 120_000;

/** Name of the whole-timeline playlist beside a windowed live one. */
export const FULL_PLAYLIST = 'full.m3u8';

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
  private readonly segmentRetry: RetryOptions;
  private inspected = false;
  private sinceFull = 0;

  constructor(private readonly opts: PlaylistPublisherOptions) {
    this.model = emptyMediaPlaylist(opts.segmentSeconds);
    this.retryOpts = { attempts: 8, baseMs: 200, maxMs: 5000, ...opts.retry };
    this.segmentRetry = { attempts: Number.MAX_SAFE_INTEGER, baseMs: 200, maxMs: 3000, deadlineMs: SEGMENT_UPLOAD_BUDGET_MS, ...opts.retry };
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

  /**
   * Queues: upload the segment, then publish the playlist that names it, then delete the local file.
   * Resolves true once the segment is in storage and named, false when its upload was given up.
   */
  addSegment(localPath: string, uri: string, duration: number): Promise<boolean> {
    const discontinuity = this.claim(uri);
    let published = false;
    const handedAt = Date.now();
    return this.enqueue(async () => {
      if (!this.inspected && this.opts.inspectFirst) {
        this.inspected = true;
        await this.opts.inspectFirst(localPath, duration).catch((err) => this.opts.logger.warn({ err, uri }, 'first segment inspection failed'));
      }
      try {
        // Segments queued behind an outage share its budget: counted from the hand-over, not from their turn.
        const budget = { ...this.segmentRetry, deadlineMs: Math.max(0, handedAt + (this.segmentRetry.deadlineMs ?? 0) - Date.now()) };
        await this.withRetry(`segment ${uri}`, () =>
          this.opts.storage.putFile(`${this.opts.keyPrefix}/${uri}`, localPath, { contentType: 'video/mp2t', cacheControl: SEGMENT_CACHE }),
        budget);
      } catch (err) {
        // Never name a segment that is not in storage; the gap becomes a discontinuity for players.
        this.opts.logger.error({ err, uri }, 'segment upload failed, skipping it');
        this.discontinuityNext = true;
        return;
      }
      await this.name({ uri, duration, discontinuity });
      published = true;
      await rm(localPath, { force: true });
      this.opts.onPublished?.();
    }).then(() => published);
  }

  /**
   * Queues a segment another publisher uploads (`uri` relative to this playlist, e.g. `../480p/r2_00007.ts`):
   * named here only once `uploaded` says it is in storage. A shed rendition carries its stand-in's segments so.
   */
  addReference(uri: string, duration: number, uploaded: Promise<boolean>): Promise<void> {
    const discontinuity = this.claim(uri);
    return this.enqueue(async () => {
      if (!(await uploaded)) {
        this.discontinuityNext = true;
        return;
      }
      await this.name({ uri, duration, discontinuity });
      this.opts.onPublished?.();
    });
  }

  /** Queues the final playlist with `#EXT-X-ENDLIST`. */
  finish(): Promise<void> {
    return this.enqueue(async () => {
      this.model.endList = true;
      if (this.opts.windowSeconds !== undefined) await this.putFull();
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

  /** Marks `uri` handed over and takes the pending discontinuity for it (the segments queued after it start none). */
  private claim(uri: string): boolean {
    this.queued.add(uri);
    const discontinuity = this.discontinuityNext;
    this.discontinuityNext = false;
    return discontinuity;
  }

  /** Names a segment that is in storage: appended to the model, then the live playlist and (when due) the full one go up. */
  private async name(segment: MediaPlaylist['segments'][number]): Promise<void> {
    this.model.segments.push(segment);
    // EXTINF rounded must not exceed the target duration (RFC 8216 4.3.3.1).
    this.model.targetDuration = Math.max(this.model.targetDuration, Math.round(segment.duration));
    await this.putPlaylist();
    await this.maybePutFull();
  }

  private async putPlaylist(): Promise<void> {
    const windowed = this.opts.windowSeconds !== undefined && !this.model.endList;
    // Ended: the whole timeline (no PLAYLIST-TYPE: the live one had none, and a type may not appear later).
    const view = windowed ? slidingWindow(this.model, this.opts.windowSeconds!) : this.opts.windowSeconds !== undefined ? { ...this.model, playlistType: null } : this.model;
    const body = renderMediaPlaylist(view);
    await this.withRetry('playlist', () =>
      this.opts.storage.put(`${this.opts.keyPrefix}/index.m3u8`, body, { contentType: PLAYLIST_TYPE, cacheControl: PLAYLIST_CACHE }),
    ).catch((err) => this.opts.logger.error({ err, prefix: this.opts.keyPrefix }, 'playlist upload failed; the next segment retries it'));
  }

  private async maybePutFull(): Promise<void> {
    if (this.opts.windowSeconds === undefined) return;
    if (++this.sinceFull < (this.opts.fullEverySegments ?? 15) && this.model.segments.length > 1) return;
    await this.putFull();
  }

  private async putFull(): Promise<void> {
    this.sinceFull = 0;
    const body = renderMediaPlaylist(this.model);
    await this.withRetry('full playlist', () =>
      this.opts.storage.put(`${this.opts.keyPrefix}/${FULL_PLAYLIST}`, body, { contentType: PLAYLIST_TYPE, cacheControl: PLAYLIST_CACHE }),
    ).catch((err) => this.opts.logger.error({ err, prefix: this.opts.keyPrefix }, 'full playlist upload failed; the next write retries it'));
  }

  private withRetry(what: string, fn: () => Promise<void>, opts: RetryOptions = this.retryOpts): Promise<void> {
    return retry(fn, {
      ...opts,
      onRetry: (err, attempt, delayMs) => this.opts.logger.warn({ err, what, attempt, delayMs, prefix: this.opts.keyPrefix }, 'upload failed, retrying'),
    });
  }
}
