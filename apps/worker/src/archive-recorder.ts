import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStorage } from '@onda/storage';
import type { Logger } from './logger.js';
import { retry, type RetryOptions } from './retry.js';

const CHUNK = /^r(\d+)_(\d+)\.mp4$/;

/** Sort key of an archive chunk name (`r<run>_<index>.mp4`), or null for any other file. */
export function chunkOrder(name: string): [number, number] | null {
  const m = CHUNK.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Chunk names in recording order (run, then index). */
export function sortChunks(names: readonly string[]): string[] {
  return names
    .map((n) => ({ n, o: chunkOrder(n) }))
    .filter((c): c is { n: string; o: [number, number] } => c.o !== null)
    .sort((a, b) => a.o[0] - b.o[0] || a.o[1] - b.o[1])
    .map((c) => c.n);
}

const TAKEOVER = /^takeover-r(\d+)\.json$/;

/**
 * Left beside the chunks by a worker that continues a broadcast another worker ran (see markTakeover): the
 * dead run's tail is missing from the live playlists and from the archive, each cut at a different point.
 */
export interface TakeoverNote {
  /** The first run of the worker that took over. */
  run: number;
  chunkSeconds: number;
  segmentSeconds: number;
}

/** Whether an archive object name is a takeover note. */
export const isTakeoverNote = (name: string): boolean => TAKEOVER.test(name);

/** Reads a takeover note; the defaults stand in for anything unreadable. */
export function parseTakeoverNote(text: string): TakeoverNote {
  const n = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
  let o: Record<string, unknown> = {};
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // keep the defaults
  }
  return { run: n(o.run, 0), chunkSeconds: n(o.chunkSeconds, 10), segmentSeconds: n(o.segmentSeconds, 2) };
}

export interface ArchiveRecorderOptions {
  storage: ObjectStorage;
  /** Local folder the live ffmpeg writes chunks into. */
  dir: string;
  /** Storage prefix of the chunks, e.g. `vod/<session>/archive`. */
  keyPrefix: string;
  logger: Logger;
  retry?: Partial<RetryOptions>;
}

/**
 * Moves a broadcast's archive chunks from the scratch folder to storage as soon as each is complete,
 * so the recording survives the worker: at most the chunk being written is only on local disk, and a
 * worker that resumes the session on the same machine uploads even that (see recover()).
 */
export class ArchiveRecorder {
  private readonly uploaded = new Set<string>();
  private pass: Promise<void> = Promise.resolve();
  /** A hand-over's successor records from its start but uploads only once the predecessor released (see hold()). */
  private holding = false;

  constructor(private readonly o: ArchiveRecorderOptions) {}

  /**
   * Keeps chunks on local disk: a successor whose predecessor still records must not add its media to the
   * recording unless it takes over (a successor that stands down leaves nothing). release() lets them go up.
   */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
  }

  /** ffmpeg's output pattern for one run. */
  pattern(run: number): string {
    return join(this.o.dir, `r${run}_%05d.mp4`);
  }

  /**
   * Uploads chunks a dead worker left in the scratch folder and learns what storage already holds;
   * returns the first run number no earlier worker used, so new chunks never overwrite old ones.
   */
  async recover(): Promise<number> {
    let next = 0;
    for await (const obj of this.o.storage.list(`${this.o.keyPrefix}/`)) {
      const name = obj.key.slice(this.o.keyPrefix.length + 1);
      const order = chunkOrder(name);
      if (!order) continue;
      this.uploaded.add(name);
      next = Math.max(next, order[0] + 1);
    }
    const local = await this.localChunks();
    for (const name of local) next = Math.max(next, chunkOrder(name)![0] + 1);
    if (local.some((n) => !this.uploaded.has(n))) {
      this.o.logger.info({ dir: this.o.dir }, 'uploading archive chunks left by an interrupted worker');
      await this.upload(null);
    }
    return next;
  }

  /**
   * Notes beside the chunks that this worker continues a broadcast from run `note.run` on, so the VOD
   * encode expects the archive and the live media time to differ by up to a chunk (see TakeoverNote).
   */
  async markTakeover(note: TakeoverNote): Promise<void> {
    await retry(() => this.o.storage.put(`${this.o.keyPrefix}/takeover-r${note.run}.json`, JSON.stringify(note), { contentType: 'application/json' }), {
      attempts: 6, baseMs: 500, maxMs: 8000, ...this.o.retry,
    });
  }

  /**
   * Uploads every complete chunk not yet in storage. While `runningRun` records, its newest chunk is
   * still being written and waits; pass null once ffmpeg has exited. Calls are serialised.
   */
  upload(runningRun: number | null): Promise<void> {
    this.pass = this.pass.then(() => this.uploadPass(runningRun)).catch((err: unknown) => {
      this.o.logger.error({ err }, 'archive chunk upload failed; will try again');
    });
    return this.pass;
  }

  private async uploadPass(runningRun: number | null): Promise<void> {
    if (this.holding) return;
    const names = await this.localChunks();
    const inProgress = runningRun === null ? null : names.filter((n) => chunkOrder(n)![0] === runningRun).at(-1);
    for (const name of names) {
      if (this.uploaded.has(name) || name === inProgress) continue;
      const path = join(this.o.dir, name);
      if ((await stat(path)).size === 0) continue;
      await retry(() => this.o.storage.putFile(`${this.o.keyPrefix}/${name}`, path, { contentType: 'video/mp4' }), {
        attempts: 6, baseMs: 500, maxMs: 8000, ...this.o.retry,
      });
      this.uploaded.add(name);
    }
  }

  private async localChunks(): Promise<string[]> {
    try {
      return sortChunks(await readdir(this.o.dir));
    } catch {
      return [];
    }
  }
}
