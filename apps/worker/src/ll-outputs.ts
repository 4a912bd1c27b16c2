import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveJob, LlPlaylistModel, Rendition } from '@onda/contracts';
import { buildLlArgs, LL_LEAD_SEGMENT_PARTS, llPartTarget, type LadderRun } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import type { LivePackaging, LiveRunInput } from './live-packaging.js';
import { LlPackager } from './ll-packager.js';
import type { Logger } from './logger.js';
import type { RetryOptions } from './retry.js';

export interface LlOutputsOptions {
  job: LiveJob;
  renditions: Rendition[];
  storage: ObjectStorage;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  announce: (model: LlPlaylistModel) => Promise<void>;
  onPart: () => void;
}

/**
 * Low latency: per rendition a local socket ffmpeg writes its fMP4 to (`unix:` output, so no extra pipes
 * on the ffmpeg process and no polling of files) and the packager that turns the stream into parts,
 * segments and the playlist model.
 */
export class LlOutputs implements LivePackaging {
  readonly packagers = new Map<string, LlPackager>();
  private servers: Server[] = [];
  private sockets = new Set<Socket>();
  private dir: string | null = null;
  /** After a hand-over's release: the predecessor's end, and the part number every rendition publishes from once chosen. */
  private seam: { lastAt: number | null; from: number | null } | null = null;
  outputsThisRun = 0;

  constructor(private readonly o: LlOutputsOptions) {
    const names = o.renditions.map((r) => r.name);
    for (const r of o.renditions) {
      this.packagers.set(r.name, new LlPackager({
        storage: o.storage, keyPrefix: `${o.job.storagePrefix}/${r.name}`, rendition: r.name, renditions: names,
        partTarget: llPartTarget(o.job.source.fps, o.job.source.hasAudio), targetDuration: Math.ceil(o.job.segmentSeconds),
        logger: o.logger, retry: o.retry, announce: o.announce, leadSegmentParts: LL_LEAD_SEGMENT_PARTS,
        onPart: () => {
          this.outputsThisRun++;
          o.onPart();
        },
        onHeld: () => {
          this.outputsThisRun++;
          this.settle();
        },
      }));
    }
  }

  /** Continues an earlier worker's models; returns the next run number. */
  async restore(): Promise<number> {
    return Math.max(0, ...(await Promise.all([...this.packagers.values()].map((p) => p.restore()))));
  }

  async start({ run, input, ladder, thumbnail }: LiveRunInput): Promise<string[]> {
    this.outputsThisRun = 0;
    const { job } = this.o;
    return buildLlArgs({
      pullUrl: input.url, inputArgs: input.args, renditions: ladder.renditions, source: job.source, segmentSeconds: job.segmentSeconds, preset: ladder.preset, thumbnail,
      outputs: await this.open(run, ladder),
    });
  }

  follow(): { stop: () => Promise<void> } {
    return { stop: () => this.close() };
  }

  /** Successor of a hand-over: every rendition keeps its parts, unpublished, until release(). */
  hold(): void {
    for (const p of this.packagers.values()) p.hold();
  }

  get holdingComplete(): boolean {
    return [...this.packagers.values()].every((p) => p.holdingComplete);
  }

  /**
   * Publishes, after the restored models, from the first segment that starts past the predecessor's end on.
   * Chosen on the first rendition's parts and applied to all: their fragments and keyframes are aligned, so
   * one part number is the same media everywhere. Until that segment's first part is held, nothing is published.
   */
  release(lastAt: number | null): void {
    this.seam = { lastAt, from: null };
    for (const p of this.packagers.values()) p.release();
    this.settle();
  }

  /** Predecessor of a hand-over: every rendition's open segment is closed and stored, for the successor to continue after it. */
  seal(): Promise<unknown> {
    return Promise.all([...this.packagers.values()].map((p) => p.seal()));
  }

  /** Once the seam is chosen, each rendition publishes from it (see LlPackager.takeFrom). */
  private settle(): void {
    const seam = this.seam;
    if (!seam) return;
    const all = [...this.packagers.values()];
    seam.from ??= all[0]?.seamPart(seam.lastAt, this.o.job.segmentSeconds) ?? null;
    if (seam.from === null) return;
    const from = seam.from;
    if (all.map((p) => p.takeFrom(from)).every(Boolean)) this.seam = null;
  }

  /** Every run starts a new init segment and, after earlier media, a discontinuity (LlPackager.startRun). */
  markDiscontinuity(): void {}

  measured(): undefined {
    return undefined;
  }

  /**
   * Listens for this run's ffmpeg; returns its output URLs in the order of the produced renditions. A rendition
   * shed at this overload step is packaged from the stream of the rung standing in for it (its own parts,
   * segments and init under its own name), so every variant of the master keeps growing, at the lower
   * quality, with a discontinuity where the step changed, as in normal mode.
   */
  private async open(run: number, ladder: LadderRun): Promise<string[]> {
    // Socket paths must stay under ~100 bytes: a short folder of their own, not the scratch folder.
    this.dir = await mkdtemp(join(tmpdir(), 'onda-ll-'));
    for (const packager of this.packagers.values()) packager.startRun(run);
    const urls: string[] = [];
    for (const r of ladder.renditions) {
      const fed = [r.name, ...Object.entries(ladder.standIns).filter(([, standIn]) => standIn === r.name).map(([shed]) => shed)]
        .map((name) => this.packagers.get(name)!);
      const path = join(this.dir, `${r.name}.sock`);
      const server = createServer((socket) => {
        this.sockets.add(socket);
        socket.on('data', (chunk: Buffer) => {
          for (const packager of fed) packager.feed(chunk);
        });
        socket.on('error', (err) => this.o.logger.warn({ err, rendition: r.name }, 'LL output socket error'));
        socket.on('close', () => this.sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, () => resolve()));
      this.servers.push(server);
      urls.push(`unix:${path}`);
    }
    return urls;
  }

  /** After ffmpeg exited: reads what is left in the sockets, then stops listening. */
  private async close(): Promise<void> {
    const open = [...this.sockets].map((s) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve()))));
    await Promise.race([Promise.all(open), new Promise((r) => setTimeout(r, 3000))]);
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers = [];
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** Every rendition has published a part (the master playlist may name them). */
  get allStarted(): boolean {
    return [...this.packagers.values()].every((p) => p.partCount > 0 || p.segmentCount > 0);
  }

  get published(): boolean {
    return [...this.packagers.values()].some((p) => p.segmentCount > 0);
  }

  get mediaSeconds(): number {
    return Math.max(0, ...[...this.packagers.values()].map((p) => p.mediaSeconds));
  }

  idle(): Promise<unknown> {
    return Promise.all([...this.packagers.values()].map((p) => p.idle()));
  }

  finish(): Promise<unknown> {
    return Promise.all([...this.packagers.values()].filter((p) => p.segmentCount > 0 || p.partCount > 0).map((p) => p.finish()));
  }
}
