import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ObjectStorage } from '@onda/storage';
import type { ThumbnailOutput } from '@onda/media';
import type { Logger } from './logger.js';

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
}

/**
 * Publishes the live thumbnail the session's ffmpeg rewrites (atomically, by rename) every interval: a new
 * modification time is a new picture, uploaded with short cache headers. A failed upload is not retried
 * on its own: the next picture replaces it anyway, and a broadcast never waits on its thumbnail.
 */
export class LiveThumbnail {
  private lastMtime = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;

  constructor(private readonly o: LiveThumbnailOptions) {}

  /** What the live ffmpeg should write. */
  get output(): ThumbnailOutput {
    return { path: this.o.path, intervalSeconds: this.o.intervalSeconds ?? THUMBNAIL_INTERVAL_SECONDS };
  }

  /** Looks for new pictures until `stop` (a run of ffmpeg). */
  follow(): { stop: () => Promise<void> } {
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
