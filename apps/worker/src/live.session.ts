import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveJob, Rendition, WorkerEvent } from '@onda/contracts';
import {
  AAC_LC_CODEC, LIVE_INPUT_ARGS, avc1Codec, avc1FromProbe, buildLiveArgs, encodingFor, FfmpegProcess, parseMediaPlaylist,
  planLadder, probe, renderMaster, type FfmpegExit, type MasterVariant,
} from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { ObjectStorage } from '@onda/storage';
import type { WorkerApiClient } from './api-client.js';
import { ArchiveRecorder } from './archive-recorder.js';
import { IngestHealthSampler, newestSourceCopy } from './ingest-health.js';
import { withContext, type Logger } from './logger.js';
import { PLAYLIST_CACHE, PLAYLIST_TYPE, PlaylistPublisher } from './playlist-publisher.js';
import { retry, type RetryOptions } from './retry.js';

export interface LiveSessionOptions {
  job: LiveJob;
  storage: ObjectStorage;
  api: WorkerApiClient;
  scratchDir: string;
  logger: Logger;
  ffmpegPath?: string;
  /** Aborted when the worker shuts down: stop, upload what exists, leave the session for another worker. */
  signal?: AbortSignal;
  /** Replaces the RTMP input per run (tests feed lavfi here). */
  input?: (run: number) => { url: string; args: readonly string[] };
  /** A run shorter than this counts as a quick failure (default 10 s). */
  quickFailureMs?: number;
  /** Consecutive quick failures before the session is marked failed (default 5). */
  maxQuickFailures?: number;
  /** Restart delays: 0.5 s doubling up to this cap (default 8 s). */
  restartBackoffCapMs?: number;
  /** Interval of health events (default 5 s). */
  healthIntervalMs?: number;
  uploadRetry?: Partial<RetryOptions>;
  /** Length of the archive's MP4 chunks when the job records (default 10 s): what a lost scratch disk can cost. */
  archiveChunkSeconds?: number;
  /** How often a running ffmpeg checks with the API that the publisher is still there (default 1 s). */
  publisherPollMs?: number;
  /** The worker's live gauges (sessions, ingest health). */
  metrics?: LiveTranscodeMetrics;
  /** Interval of ingest health samples posted to the API (default 10 s). */
  ingestHealthIntervalMs?: number;
}

/** How a session ended: finished (ENDLIST written), failed, or interrupted (left for another worker). */
export type LiveSessionOutcome = 'ended' | 'failed' | 'interrupted';

/** Thrown by the job handler for an interrupted session so the queue hands the job to another worker. */
export class LiveSessionInterruptedError extends Error {
  constructor(sessionId: string) {
    super(`live session ${sessionId} interrupted by shutdown`);
    this.name = 'LiveSessionInterruptedError';
  }
}

const POLL_MS = 150;
const ARCHIVE_UPLOAD_MS = 2000;
const RECONNECT_POLL_MS = 1000;

/**
 * One live broadcast on this worker: owns its ffmpeg (restarted across encoder drops), its scratch folder
 * and the uploads of every rendition's segments and playlists.
 */
export class LiveSession {
  readonly renditions: Rendition[];
  private readonly dir: string;
  private readonly publishers = new Map<string, PlaylistPublisher>();
  private readonly passthroughCodec = new Map<string, { codec: string; bitsPerSecond: number }>();
  private proc: FfmpegProcess | null = null;
  private run = 0;
  private masterPublished = false;
  private readyPromise: Promise<void> | null = null;
  private scanLoop: Promise<void> | null = null;
  private rescan = false;
  private segmentsThisRun = 0;
  private readonly archive: ArchiveRecorder | null;
  private readonly o: LiveSessionOptions;
  private readonly ingestHealth: IngestHealthSampler;

  constructor(options: LiveSessionOptions) {
    // Every line about this broadcast, its uploads' included, carries its id.
    const o = { ...options, logger: withContext(options.logger, { liveSessionId: options.job.sessionId }) };
    this.o = o;
    const { job } = o;
    this.renditions = planLadder(job.source, { profile: job.profile, passthrough: job.passthrough });
    this.dir = join(o.scratchDir, job.sessionId);
    this.archive = job.recording
      ? new ArchiveRecorder({ storage: o.storage, dir: join(this.dir, 'archive'), keyPrefix: `vod/${job.sessionId}/archive`, logger: o.logger, retry: o.uploadRetry })
      : null;
    for (const r of this.renditions) {
      this.publishers.set(r.name, new PlaylistPublisher({
        storage: o.storage,
        keyPrefix: `${job.storagePrefix}/${r.name}`,
        segmentSeconds: job.segmentSeconds,
        logger: o.logger,
        retry: o.uploadRetry,
        inspectFirst: r.passthrough ? (path, duration) => this.inspectPassthrough(r, path, duration) : undefined,
        onPublished: () => this.maybePublishMaster(),
      }));
    }
    const passthrough = this.renditions.find((r) => r.passthrough);
    this.ingestHealth = new IngestHealthSampler({
      liveSessionId: job.sessionId, api: o.api, logger: o.logger, metrics: o.metrics, intervalMs: o.ingestHealthIntervalMs,
      sourceFile: () => newestSourceCopy({ archiveDir: this.archive ? join(this.dir, 'archive') : undefined, passthroughDir: passthrough && join(this.dir, passthrough.name) }),
    });
  }

  /** pid of the current ffmpeg, if one runs. */
  get ffmpegPid(): number | undefined {
    return this.proc?.pid;
  }

  /** Runs the broadcast to its end; resolves with how it ended. */
  async execute(): Promise<LiveSessionOutcome> {
    const { logger } = this.o;
    await this.restore();
    let quickFailures = 0;
    this.o.metrics?.sessionStarted();
    try {
      for (;;) {
        const started = Date.now();
        const exit = await this.runFfmpeg();
        await Promise.all([this.scanAll(), this.archive?.upload(null)]);
        const quick = Date.now() - started < (this.o.quickFailureMs ?? 10_000) && this.segmentsThisRun === 0;
        quickFailures = quick ? quickFailures + 1 : 0;
        logger.info({ run: this.run, ...exit, quickFailures }, 'ffmpeg exited');

        if (this.o.signal?.aborted) {
          await this.report({ type: 'ffmpeg-exit', run: this.run, code: exit.code, signal: exit.signal, reason: exit.reason, willRestart: false });
          await this.drain();
          return 'interrupted';
        }
        const decision = await this.decide();
        const giveUp = decision === 'restart' && quickFailures >= (this.o.maxQuickFailures ?? 5);
        await this.report({ type: 'ffmpeg-exit', run: this.run, code: exit.code, signal: exit.signal, reason: exit.reason, willRestart: decision === 'restart' && !giveUp });
        if (giveUp) return await this.finish('failed', exit.reason ?? 'ffmpeg keeps failing');
        if (decision === 'finish') return await this.finish('ended');

        for (const p of this.publishers.values()) p.markDiscontinuity();
        const delay = Math.min(500 * 2 ** Math.max(0, quickFailures - 1), this.o.restartBackoffCapMs ?? 8000);
        await sleep(delay, undefined, { signal: this.o.signal }).catch(() => undefined);
        if (this.o.signal?.aborted) {
          await this.drain();
          return 'interrupted';
        }
        this.run++;
      }
    } finally {
      await this.ingestHealth.close();
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * Closes what earlier workers left of a session the API has already ended (one died, then the reconnect
   * window passed or the owner ended the broadcast before another took the job): uploads the archive
   * chunks left on this machine, ends the published playlists and reports `ended`, so the replay stops
   * waiting and the API makes the VOD from the recording. Runs no ffmpeg. False when nothing was left.
   */
  async finalise(): Promise<boolean> {
    try {
      await this.restore();
      const published = [...this.publishers.values()].some((p) => p.segmentCount > 0);
      if (!published && this.run === 0) return false;
      this.o.logger.info({ runs: this.run }, 'finalising a session that ended without its worker');
      await this.finish('ended');
      return true;
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** Restart when the publisher is back; wait while the API holds the session open for a reconnect. */
  private async decide(): Promise<'restart' | 'finish'> {
    for (;;) {
      let view;
      try {
        view = await this.o.api.session(this.o.job.sessionId);
      } catch (err) {
        this.o.logger.error({ err }, 'cannot ask the API about the session; finishing it');
        return 'finish';
      }
      if (view.state === 'ended' || view.state === 'failed') return 'finish';
      if (view.publisherConnected) return 'restart';
      if (view.state !== 'reconnecting' || this.o.signal?.aborted) return 'finish';
      await sleep(RECONNECT_POLL_MS);
    }
  }

  private async runFfmpeg(): Promise<FfmpegExit> {
    const { job } = this.o;
    for (const r of this.renditions) {
      const d = join(this.dir, r.name);
      await mkdir(d, { recursive: true });
      // The previous run's local playlist is already published; do not let the watcher read it again.
      await rm(join(d, 'index.m3u8'), { force: true });
    }
    if (this.archive) await mkdir(join(this.dir, 'archive'), { recursive: true });
    const input = this.o.input?.(this.run) ?? { url: job.pullUrl, args: LIVE_INPUT_ARGS };
    const args = buildLiveArgs({
      pullUrl: input.url, inputArgs: input.args, outDir: this.dir, run: this.run,
      renditions: this.renditions, source: job.source, segmentSeconds: job.segmentSeconds,
      archive: this.archive ? { pattern: this.archive.pattern(this.run), chunkSeconds: this.o.archiveChunkSeconds ?? 10 } : undefined,
    });
    this.segmentsThisRun = 0;
    const proc = FfmpegProcess.start(args, { ffmpegPath: this.o.ffmpegPath });
    this.proc = proc;
    const onAbort = (): void => void proc.stop();
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.o.signal?.aborted) onAbort();

    // fs.watch is fast but can miss events (renames, network filesystems); the poll is the safety net.
    const watchers: FSWatcher[] = this.renditions.map((r) => watch(join(this.dir, r.name), () => void this.scanAll()));
    const poll = setInterval(() => void this.scanAll(), POLL_MS);
    const run = this.run;
    const archiving = this.archive ? setInterval(() => void this.archive?.upload(run), ARCHIVE_UPLOAD_MS) : null;
    // The ingest's EOF to our pull can lag the publisher's departure by up to -rw_timeout (10 s); a
    // publisher back within that time would be missed by this run (its pull is dead) and the next (not
    // started yet). So once the publisher has left and come back, this run stops. Not as soon as it
    // leaves: a loaded ffmpeg may still be encoding buffered input that a stop would drop.
    let left = false;
    const watching = setInterval(() => {
      this.o.api.session(job.sessionId).then((v) => {
        if (v.state === 'reconnecting' && !v.publisherConnected) left = true;
        else if (left && v.publisherConnected) void proc.stop();
      }, () => undefined);
    }, this.o.publisherPollMs ?? 1000);
    const health = setInterval(() => {
      const p = proc.lastProgress;
      if (p) void this.report({ type: 'health', fps: p.fps, bitrateKbps: p.bitrateKbps, speed: p.speed, droppedFrames: p.dropFrames });
    }, this.o.healthIntervalMs ?? 5000);
    this.ingestHealth.attach(() => proc.lastProgress);
    try {
      return await proc.exited;
    } finally {
      this.ingestHealth.detach();
      clearInterval(poll);
      clearInterval(health);
      if (archiving) clearInterval(archiving);
      clearInterval(watching);
      for (const w of watchers) w.close();
      this.o.signal?.removeEventListener('abort', onAbort);
      this.proc = null;
    }
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
          for (const r of this.renditions) await this.scan(r.name);
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
      text = await readFile(join(this.dir, name, 'index.m3u8'), 'utf8');
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
      if (publisher.has(seg.uri)) continue;
      this.segmentsThisRun++;
      void publisher.addSegment(join(this.dir, name, seg.uri), seg.uri, seg.duration);
    }
  }

  private async inspectPassthrough(r: Rendition, path: string, duration: number): Promise<void> {
    const [info, st] = await Promise.all([probe(path), stat(path)]);
    const video = info.streams.find((s) => s.codec_type === 'video');
    const codec = avc1FromProbe(video?.profile, video?.level);
    if (codec) this.passthroughCodec.set(r.name, { codec, bitsPerSecond: duration > 0 ? (st.size * 8) / duration : 0 });
  }

  /** Publishes the master playlist once every rendition has a segment in storage, then tells the API. */
  private maybePublishMaster(): void {
    if (this.masterPublished || [...this.publishers.values()].some((p) => p.segmentCount === 0)) return;
    this.masterPublished = true;
    const { job } = this.o;
    const variants: MasterVariant[] = this.renditions.map((r) => {
      const measured = this.passthroughCodec.get(r.name);
      // Unknown passthrough profile: High 4.0 covers typical 1080p30 encoder output.
      const video = r.passthrough ? (measured?.codec ?? 'avc1.640028') : avc1Codec(encodingFor(r, job.source.fps));
      const v: MasterVariant = {
        rendition: r,
        uri: `${r.name}/index.m3u8`,
        codecs: job.source.hasAudio ? `${video},${AAC_LC_CODEC}` : video,
        frameRate: job.source.fps > 0 ? job.source.fps : null,
      };
      if (measured && measured.bitsPerSecond > 0) {
        v.averageBandwidth = measured.bitsPerSecond;
        v.peakBandwidth = measured.bitsPerSecond * 1.2;
      }
      return v;
    });
    this.readyPromise = (async () => {
      const body = renderMaster(variants);
      try {
        await retry(() => this.o.storage.put(`${job.storagePrefix}/master.m3u8`, body, { contentType: PLAYLIST_TYPE, cacheControl: PLAYLIST_CACHE }), {
          attempts: 8, baseMs: 200, maxMs: 5000, ...this.o.uploadRetry,
        });
      } catch (err) {
        this.o.logger.error({ err }, 'master playlist upload failed');
        this.masterPublished = false;
        return;
      }
      await this.report({ type: 'ready', renditions: this.renditions.map((r) => r.name) });
    })();
  }

  /** Loads playlists an earlier worker published for this session, so this one continues them. */
  private async restore(): Promise<void> {
    for (const [name, publisher] of this.publishers) {
      const obj = await this.o.storage.get(`${this.o.job.storagePrefix}/${name}/index.m3u8`).catch(() => null);
      if (!obj) continue;
      const chunks: Buffer[] = [];
      for await (const c of obj.body) chunks.push(Buffer.from(c as Uint8Array));
      try {
        const published = parseMediaPlaylist(Buffer.concat(chunks).toString('utf8'));
        publisher.restore(published);
        for (const s of published.segments) {
          const m = /^r(\d+)_/.exec(s.uri);
          if (m) this.run = Math.max(this.run, Number(m[1]) + 1);
        }
      } catch (err) {
        this.o.logger.warn({ err, name }, 'ignoring an unreadable published playlist');
      }
    }
    if (this.archive) this.run = Math.max(this.run, await this.archive.recover());
    if (this.run === 0) return;
    this.o.logger.info({ run: this.run }, 'resuming published playlists');
    // An earlier worker ran this broadcast and may have died: what it had not uploaded yet is missing from
    // the playlists and, unless its scratch folder is on this machine, from the archive too.
    await this.archive?.markTakeover({ run: this.run, chunkSeconds: this.o.archiveChunkSeconds ?? 10, segmentSeconds: this.o.job.segmentSeconds }).catch((err: unknown) => {
      this.o.logger.error({ err }, 'could not note the takeover beside the archive');
    });
  }

  /** Waits for queued uploads (and the master) without finalising: another worker may continue. */
  private async drain(): Promise<void> {
    await Promise.all([...this.publishers.values()].map((p) => p.idle()));
    await this.archive?.upload(null);
    await this.readyPromise;
  }

  private async finish(outcome: 'ended' | 'failed', reason?: string): Promise<LiveSessionOutcome> {
    await this.drain();
    // A rendition that never published a segment has no playlist to close.
    await Promise.all([...this.publishers.values()].filter((p) => p.segmentCount > 0).map((p) => p.finish()));
    if (outcome === 'failed') await this.report({ type: 'failed', reason: (reason ?? 'failed').slice(0, 2000) });
    else await this.report({ type: 'ended', mediaSeconds: Math.max(0, ...[...this.publishers.values()].map((p) => p.mediaSeconds)) });
    return outcome;
  }

  private async report(e: WorkerEvent): Promise<void> {
    try {
      await this.o.api.event(this.o.job.sessionId, e);
    } catch (err) {
      this.o.logger.error({ err, event: e.type }, 'could not report a worker event');
    }
  }
}
