import { watch, type FSWatcher } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveJob, Rendition } from '@onda/contracts';
import { avc1FromProbe, buildLiveArgs, mergeTimeline, parseMediaPlaylist, probe, type LadderRun, type MediaPlaylist } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import type { LivePackaging, LiveRunInput } from './live-packaging.js';
import type { Logger } from './logger.js';
import { FULL_PLAYLIST, PlaylistPublisher } from './playlist-publisher.js';
import type { RetryOptions } from './retry.js';
import { startsAfterSeam } from './live-handover.js';

const POLL_MS = 150;

/** A complete segment of the local playlist: its file, name, length and when it was taken in (wall clock). */
interface LocalSegment {
  path: string;
  uri: string;
  duration: number;
  arrivedAt: number;
}

/** The number ffmpeg gives a segment within its run (`r<run>_<n>.ts`): the same on every rendition's segment of one cut. */
const segmentNumber = (uri: string): number => Number(/_(\d+)\.\w+$/.exec(uri)?.[1] ?? -1);

export interface SegmentPackagingOptions {
  job: LiveJob;
  /** The planned ladder: one published playlist each. */
  renditions: Rendition[];
  storage: ObjectStorage;
  /** The session's scratch folder: ffmpeg writes `<dir>/<rendition>/index.m3u8` and its segments there. */
  dir: string;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** ffprobe binary for passthrough segments (default `ffprobe` on PATH). */
  ffprobePath?: string;
  windowSeconds: number;
  /** After each segment is in storage and named by its playlist. */
  onPublished: () => void;
  /** Each new complete segment's local file, before it is handed over to be uploaded and deleted (the copy's live thumbnail). */
  onSegmentFile?: (rendition: string, file: string, durationSeconds: number) => Promise<void>;
}

/**
 * Normal latency: ffmpeg's HLS muxer writes MPEG-TS segments (and a local playlist) per rendition into the
 * scratch folder; every new complete segment goes to its rendition's PlaylistPublisher. Renditions shed
 * at an overload step carry the segments of the rung standing in for them.
 */
export class SegmentPackaging implements LivePackaging {
  private readonly publishers = new Map<string, PlaylistPublisher>();
  /** `<rendition>/<uri>` of every segment taken in (held ones are not in their publisher yet). */
  private readonly taken = new Set<string>();
  private readonly passthroughCodec = new Map<string, { codec: string; bitsPerSecond: number }>();
  private ladder: LadderRun;
  private scanLoop: Promise<void> | null = null;
  private rescan = false;
  /** A hand-over's successor: segments wait here, unpublished, until release(). */
  private held: Map<string, LocalSegment[]> | null = null;
  /** After the release: the predecessor's last segment end; the first segment number past it, once seen. */
  private seam: { lastAt: number | null; from: number | null } | null = null;
  outputsThisRun = 0;

  constructor(private readonly o: SegmentPackagingOptions) {
    this.ladder = { renditions: o.renditions, preset: '', standIns: {} };
    for (const r of o.renditions) {
      this.publishers.set(r.name, new PlaylistPublisher({
        storage: o.storage,
        keyPrefix: `${o.job.storagePrefix}/${r.name}`,
        segmentSeconds: o.job.segmentSeconds,
        logger: o.logger,
        retry: o.retry,
        inspectFirst: r.passthrough ? (path, duration) => this.inspectPassthrough(r, path, duration) : undefined,
        onPublished: o.onPublished,
        windowSeconds: o.windowSeconds,
      }));
    }
  }

  async restore(): Promise<number> {
    let run = 0;
    for (const [name, publisher] of this.publishers) {
      try {
        // The whole timeline is written every few segments, the live window every segment: join them.
        const published = mergeTimeline(await this.readPlaylist(`${name}/${FULL_PLAYLIST}`), await this.readPlaylist(`${name}/index.m3u8`));
        if (!published) continue;
        publisher.restore(published);
        for (const s of published.segments) {
          const m = /(?:^|\/)r(\d+)_/.exec(s.uri);
          if (m) run = Math.max(run, Number(m[1]) + 1);
        }
      } catch (err) {
        this.o.logger.warn({ err, name }, 'ignoring an unreadable published playlist');
      }
    }
    return run;
  }

  async start({ run, input, ladder, thumbnail }: LiveRunInput): Promise<string[]> {
    this.ladder = ladder;
    // The seam applies to the run it was decided in; a later run's segment numbers start again at 0.
    if (this.seam && !this.held) this.seam = null;
    for (const r of this.o.renditions) {
      // The previous run's local playlist is already published; do not let the watcher read it again.
      await rm(join(this.o.dir, r.name, 'index.m3u8'), { force: true });
    }
    this.outputsThisRun = 0;
    const { job } = this.o;
    return buildLiveArgs({
      pullUrl: input.url, inputArgs: input.args, outDir: this.o.dir, run,
      renditions: ladder.renditions, source: job.source, segmentSeconds: job.segmentSeconds, preset: ladder.preset, thumbnail,
    });
  }

  follow(): { stop: () => Promise<void> } {
    // fs.watch is fast but can miss events (renames, network filesystems); the poll is the safety net.
    const watchers: FSWatcher[] = this.ladder.renditions.map((r) => watch(join(this.o.dir, r.name), () => void this.scanAll()));
    const poll = setInterval(() => void this.scanAll(), POLL_MS);
    return {
      stop: async () => {
        clearInterval(poll);
        for (const w of watchers) w.close();
        await this.scanAll();
      },
    };
  }

  /** Successor of a hand-over: take segments in but publish nothing until release(). */
  hold(): void {
    this.held = new Map();
  }

  /** Every rendition of the running ladder has a held segment: the successor can take over at once. */
  get holdingComplete(): boolean {
    return this.held !== null && this.ladder.renditions.every((r) => (this.held!.get(r.name)?.length ?? 0) > 0);
  }

  /**
   * Publishes from the first segment past the predecessor's last one (complete at `lastAt`, see
   * startsAfterSeam) on; the held ones before it are dropped. Call after restore() so the playlists continue.
   */
  release(lastAt: number | null): void {
    const held = this.held;
    this.held = null;
    this.seam = { lastAt, from: null };
    // Decided on the first rendition's held segments: every rendition is cut at the same segment number.
    const first = this.ladder.renditions[0] ? held?.get(this.ladder.renditions[0].name) : undefined;
    const seam = first?.find((seg) => startsAfterSeam(seg, lastAt));
    if (seam) this.seam.from = segmentNumber(seam.uri);
    for (const [name, segments] of held ?? []) for (const seg of segments) this.take(name, seg);
  }

  /** Every segment is published whole already: nothing to close for a successor. */
  async seal(): Promise<void> {}

  markDiscontinuity(): void {
    for (const p of this.publishers.values()) p.markDiscontinuity();
  }

  get allStarted(): boolean {
    return [...this.publishers.values()].every((p) => p.segmentCount > 0);
  }

  get published(): boolean {
    return [...this.publishers.values()].some((p) => p.segmentCount > 0);
  }

  get mediaSeconds(): number {
    return Math.max(0, ...[...this.publishers.values()].map((p) => p.mediaSeconds));
  }

  measured(rendition: string): { codec: string; bitsPerSecond: number } | undefined {
    return this.passthroughCodec.get(rendition);
  }

  idle(): Promise<unknown> {
    return Promise.all([...this.publishers.values()].map((p) => p.idle()));
  }

  finish(): Promise<unknown> {
    // A rendition that never published a segment has no playlist to close.
    return Promise.all([...this.publishers.values()].filter((p) => p.segmentCount > 0).map((p) => p.finish()));
  }

  /** Hands every new complete segment of every rendition to its publisher. Overlapping calls join one pass and resolve after it. */
  private scanAll(): Promise<void> {
    if (this.scanLoop) {
      this.rescan = true;
      return this.scanLoop;
    }
    this.scanLoop = (async () => {
      try {
        do {
          this.rescan = false;
          for (const r of this.ladder.renditions) await this.scan(r.name);
        } while (this.rescan);
      } finally {
        this.scanLoop = null;
      }
    })();
    return this.scanLoop;
  }

  private async scan(name: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(join(this.o.dir, name, 'index.m3u8'), 'utf8');
    } catch {
      return; // not written yet
    }
    let local;
    try {
      local = parseMediaPlaylist(text);
    } catch {
      return;
    }
    const publisher = this.publishers.get(name)!;
    for (const seg of local.segments) {
      if (publisher.has(seg.uri) || this.taken.has(`${name}/${seg.uri}`)) continue;
      this.taken.add(`${name}/${seg.uri}`);
      this.outputsThisRun++;
      const arrived: LocalSegment = { path: join(this.o.dir, name, seg.uri), uri: seg.uri, duration: seg.duration, arrivedAt: Date.now() };
      if (this.held) {
        // A successor's segments wait for the hand-over (release): the thumbnail looks at the next ones.
        this.held.set(name, [...(this.held.get(name) ?? []), arrived]);
        continue;
      }
      await this.o.onSegmentFile?.(name, arrived.path, arrived.duration);
      this.take(name, arrived);
    }
  }

  private take(name: string, seg: LocalSegment): void {
    if (this.seam) {
      // Before the seam: the predecessor published this media already.
      if (this.seam.from === null && startsAfterSeam(seg, this.seam.lastAt)) this.seam.from = segmentNumber(seg.uri);
      if (this.seam.from === null || segmentNumber(seg.uri) < this.seam.from) {
        void rm(seg.path, { force: true });
        return;
      }
    }
    const uploaded = this.publishers.get(name)!.addSegment(seg.path, seg.uri, seg.duration);
    // Renditions shed at this step carry the segments of the rung standing in for them, so every variant
    // of the master keeps playing (at the lower quality) under the same URL.
    for (const [shed, standIn] of Object.entries(this.ladder.standIns)) {
      if (standIn === name) void this.publishers.get(shed)?.addReference(`../${name}/${seg.uri}`, seg.duration, uploaded);
    }
  }

  private async inspectPassthrough(r: Rendition, path: string, duration: number): Promise<void> {
    const [info, st] = await Promise.all([probe(path, { ffprobePath: this.o.ffprobePath }), stat(path)]);
    const video = info.streams.find((s) => s.codec_type === 'video');
    const codec = avc1FromProbe(video?.profile, video?.level);
    if (codec) this.passthroughCodec.set(r.name, { codec, bitsPerSecond: duration > 0 ? (st.size * 8) / duration : 0 });
  }

  private async readPlaylist(key: string): Promise<MediaPlaylist | null> {
    const obj = await this.o.storage.get(`${this.o.job.storagePrefix}/${key}`).catch(() => null);
    if (!obj) return null;
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(Buffer.from(c as Uint8Array));
    return parseMediaPlaylist(Buffer.concat(chunks).toString('utf8'));
  }
}
