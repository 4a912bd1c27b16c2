import { watch, type FSWatcher } from 'node:fs';
import { link, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ObjectStorage } from '@onda/storage';
import { keyframeThumbnailArgs, type ThumbnailOutput } from '@onda/media';
import type { Logger } from './logger.js';
import { runFfmpeg } from './run-ffmpeg.js';

/** Seconds between live thumbnails: fresh enough for a home page, about 1 kB/s of uploads per broadcast. */
export const THUMBNAIL_INTERVAL_SECONDS = 30;
/**
 * The thumbnail's object is rewritten in place every interval: caches may keep it a few seconds, never
 * much longer than the interval (the API's URLs also carry a version, see the API's thumbnailUrl).
 */
export const THUMBNAIL_CACHE = 'public, max-age=15';

export interface LiveThumbnailOptions {
  storage: ObjectStorage;
  /** Where ffmpeg writes the JPEG (see thumbnailOutputArgs). */
  path: string;
  /** Storage key, e.g. `live/<session>/thumb.jpg`. */
  key: string;
  intervalSeconds?: number;
  logger: Logger;
  /** After each new picture is in storage (the session tells the API). */
  onPublished: () => Promise<void> | void;
  /** How often the file is looked at (default 1 s). */
  pollMs?: number;
  /**
   * The ladder encodes nothing: take the pictures from this copied rendition's segments instead (see
   * onSegment), scaled to `width`x`height`, with this ffmpeg binary.
   */
  fromCopy?: { rendition: string; width: number; height: number; ffmpegPath?: string };
}

/**
 * Publishes the live thumbnail the session's ffmpeg rewrites (atomically, by rename) every interval: a new
 * modification time is a new picture, uploaded with short cache headers. A failed upload is not retried
 * on its own: the next picture replaces it anyway, and a broadcast never waits on its thumbnail.
 * A ladder that only copies the source decodes no frames to tap: then the picture is the first keyframe of
 * a copied segment, decoded on its own once per interval (see onSegment), written to the same file.
 */
export class LiveThumbnail {
  private lastMtime = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;
  /** Copy mode, per run: media seconds of the copied segments seen, the start of the last one taken, the picture being made. */
  private copied = { following: false, seconds: 0, takenAt: null as number | null, grab: null as Promise<void> | null };

  constructor(private readonly o: LiveThumbnailOptions) {}

  /** What the live ffmpeg should write (nothing when the pictures come from copied segments). */
  get output(): ThumbnailOutput | undefined {
    if (this.o.fromCopy) return undefined;
    return { path: this.o.path, intervalSeconds: this.interval };
  }

  private get interval(): number {
    return this.o.intervalSeconds ?? THUMBNAIL_INTERVAL_SECONDS;
  }

  /**
   * Copy mode: the packaging hands over every new complete segment before uploading (then deleting) it. The
   * run's first segment and then the first one starting an interval of media after the last picture are
   * hard-linked aside (the upload may delete the original any moment) and their first keyframe decoded into
   * the picture in the background, so the segment's upload does not wait for it.
   */
  async onSegment(rendition: string, file: string, durationSeconds: number): Promise<void> {
    const copy = this.o.fromCopy;
    const c = this.copied;
    if (!copy || rendition !== copy.rendition || !c.following) return;
    const at = c.seconds;
    c.seconds += durationSeconds;
    if (c.grab || (c.takenAt !== null && at - c.takenAt < this.interval)) return;
    c.takenAt = at;
    const src = join(dirname(this.o.path), 'thumbnail-source.ts');
    try {
      await rm(src, { force: true });
      await link(file, src);
    } catch (err) {
      this.o.logger.warn({ err }, 'cannot keep a copied segment for the live thumbnail; the next interval tries again');
      return;
    }
    c.grab = (async () => {
      try {
        await runFfmpeg(keyframeThumbnailArgs(src, this.o.path, copy), { ffmpegPath: copy.ffmpegPath, what: 'live thumbnail' });
        await this.check();
      } catch (err) {
        this.o.logger.warn({ err }, 'live thumbnail from a copied segment failed; the next interval tries again');
      } finally {
        await rm(src, { force: true });
        c.grab = null;
      }
    })();
  }

  /** Looks for new pictures until `stop` (a run of ffmpeg). */
  follow(): { stop: () => Promise<void> } {
    // Like the ladder's picture (select on the run's timestamps), a run's first copied segment gets one at once.
    this.copied = { following: true, seconds: 0, takenAt: null, grab: null };
    // The rename of a new picture wakes the watcher at once; the poll is the safety net (see SegmentPackaging).
    const name = basename(this.o.path);
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(dirname(this.o.path), (_event, file) => {
        if (file === name) void this.check();
      });
    } catch (err) {
      this.o.logger.warn({ err }, 'cannot watch the thumbnail folder; polling it');
    }
    this.timer = setInterval(() => void this.check(), this.o.pollMs ?? 1000);
    return {
      stop: async () => {
        watcher?.close();
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
        // No picture is started after its run, and the one being made is published before the session goes on.
        this.copied.following = false;
        await this.copied.grab;
        await this.busy;
        await this.check();
      },
    };
  }

  private check(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = (async () => {
      do {
        this.again = false;
        await this.publishIfNew();
      } while (this.again);
    })().finally(() => (this.busy = null));
    return this.busy;
  }

  private async publishIfNew(): Promise<void> {
    const info = await stat(this.o.path).catch(() => null);
    if (!info || info.mtimeMs === this.lastMtime || info.size === 0) return;
    this.lastMtime = info.mtimeMs;
    try {
      const body = await readFile(this.o.path);
      await this.o.storage.put(this.o.key, body, { contentType: 'image/jpeg', cacheControl: THUMBNAIL_CACHE });
      await this.o.onPublished();
    } catch (err) {
      this.o.logger.warn({ err }, 'live thumbnail upload failed; the next picture replaces it');
    }
  }
}
