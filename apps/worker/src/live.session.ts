import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { THUMBNAIL_FILE, type LiveJob, type Rendition, type WorkerEvent } from '@onda/contracts';
import {
  LIVE_INPUT_ARGS, FfmpegProcess, liveThumbnailSource, renderMaster, type FfmpegExit, type LivePlan,
} from '@onda/media';
import { broadcastLabel } from '@onda/observability';
import { ArchiveProcess } from './archive-process.js';
import { ArchiveRecorder } from './archive-recorder.js';
import { IngestHealthSampler, newestSourceCopy } from './ingest-health.js';
import type { LivePackaging } from './live-packaging.js';
import { awaitRelease, awaitSuccessor, HandoverChannel, handoverPrefix } from './live-handover.js';
import { LiveOverload } from './live-overload.js';
import { PullFollower } from './live-pull.js';
import { SegmentPackaging } from './live-segments.js';
import { LiveThumbnail } from './live-thumbnail.js';
import { LlOutputs } from './ll-outputs.js';
import { withContext } from './logger.js';
import { PLAYLIST_CACHE, PLAYLIST_TYPE } from './playlist-publisher.js';
import { retry } from './retry.js';
import { Simulcast } from './simulcast.js';
import { DEFAULT_WINDOW_SECONDS, masterVariants, planLadderFor, type LiveSessionOptions, type LiveSessionOutcome } from './live-session-options.js';

export { DEFAULT_WINDOW_SECONDS, LiveSessionInterruptedError, planLadderFor, type LiveSessionOptions, type LiveSessionOutcome } from './live-session-options.js';

/**
 * One live broadcast on this worker: owns its ffmpeg (restarted across encoder drops and overload steps),
 * its scratch folder, the recording and the master playlist. The media playlists are its packaging's
 * (normal segments or low-latency parts, see LivePackaging); the ladder step is LiveOverload's; where to
 * pull from is PullFollower's.
 */
export class LiveSession {
  readonly renditions: Rendition[];
  /** The ladder and the capacity reasoning behind it (the master playlist lists plan.renditions). */
  readonly plan: LivePlan;
  private readonly dir: string;
  private readonly packaging: LivePackaging;
  private proc: FfmpegProcess | null = null;
  private run = 0;
  private masterPublished = false;
  private readyPromise: Promise<void> | null = null;
  private readonly archive: ArchiveRecorder | null;
  private readonly recording: ArchiveProcess | null;
  private readonly o: LiveSessionOptions;
  private readonly ingestHealth: IngestHealthSampler;
  private readonly pull: PullFollower;
  private readonly overload: LiveOverload;
  private readonly thumbnail: LiveThumbnail | null;
  /** Live media when the current recording process started, and whether a load step restarted the ladder since. */
  private recordingFrom: { mediaSeconds: number; stepped: boolean } | null = null;
  /** Media the recording holds that the playlists skipped at load-step restarts (see the `ended` event). */
  private skippedSeconds = 0;
  /** Predecessor of a hand-over: set once a successor is asked for; `stoppedAt` when it was ready and this ffmpeg was stopped. */
  private leaving: { channel: HandoverChannel; stoppedAt: number | null } | null = null;
  /** Successor of a hand-over, until it takes over (then null) or stands down. */
  private joining: { channel: HandoverChannel; until: number; runEnded: boolean } | null = null;
  /** Wall clock of this worker's first recording start and of its last recording stop (hand-over overlap). */
  private recordingStartedAt: number | null = null; private recordingStoppedAt: number | null = null;

  constructor(options: LiveSessionOptions) {
    // Every line about this broadcast, its uploads' included, carries its id.
    const o = { ...options, logger: withContext(options.logger, { liveSessionId: options.job.sessionId }) };
    this.o = o;
    const { job } = o;
    this.plan = planLadderFor(job, o.freeCores ?? Number.POSITIVE_INFINITY);
    this.renditions = this.plan.renditions;
    this.pull = new PullFollower({ sessionId: job.sessionId, pullUrl: job.pullUrl, api: o.api, logger: o.logger, signal: o.signal, publisherPollMs: o.publisherPollMs });
    this.overload = new LiveOverload({
      sessionId: job.sessionId, source: job.source, plan: this.plan, freeCores: o.freeCores, overload: o.overload, metrics: o.metrics, logger: o.logger, report: (e) => this.report(e),
    });
    // A successor runs beside its predecessor, maybe on the same machine: a folder of its own.
    this.dir = join(o.scratchDir, job.handover ? `${job.sessionId}-r${job.handover.run}` : job.sessionId);
    this.archive = job.recording ? new ArchiveRecorder({ storage: o.storage, dir: join(this.dir, 'archive'), keyPrefix: `vod/${job.sessionId}/archive`, logger: o.logger, retry: o.uploadRetry }) : null;
    // Low latency always encodes (planLadderFor): only normal mode's segments can be a thumbnail's source.
    const thumbnailFrom = liveThumbnailSource(this.renditions, job.source);
    const segments = job.latencyMode === 'low' ? null : new SegmentPackaging({
      job, renditions: this.renditions, storage: o.storage, dir: this.dir, logger: o.logger, retry: o.uploadRetry, ffprobePath: o.ffprobePath,
      windowSeconds: o.windowSeconds ?? DEFAULT_WINDOW_SECONDS, onPublished: () => this.maybePublishMaster(),
      // A ladder that encodes nothing has its thumbnail made from the copied segments (see LiveThumbnail).
      onSegmentFile: thumbnailFrom?.from === 'copy' ? async (rendition, file, seconds) => this.thumbnail?.onSegment(rendition, file, seconds) : undefined,
    });
    this.packaging = segments ?? new LlOutputs({
      job, renditions: this.renditions, storage: o.storage, logger: o.logger, retry: o.uploadRetry, onPart: () => this.maybePublishMaster(),
      announce: (model) => o.api.llModel?.(job.sessionId, model) ?? Promise.resolve(),
    });
    this.thumbnail = o.thumbnailIntervalSeconds === 0 || !thumbnailFrom ? null : new LiveThumbnail({
      storage: o.storage, path: join(this.dir, THUMBNAIL_FILE), key: `${job.storagePrefix}/${THUMBNAIL_FILE}`, intervalSeconds: o.thumbnailIntervalSeconds,
      logger: o.logger, onPublished: () => this.report({ type: 'thumbnail' }),
      fromCopy: thumbnailFrom.from === 'copy' ? { ...thumbnailFrom, ffmpegPath: o.ffmpegPath } : undefined,
    });
    this.recording = this.archive ? new ArchiveProcess({ recorder: this.archive, chunkSeconds: o.archiveChunkSeconds ?? 10, logger: o.logger, ffmpegPath: o.ffmpegPath }) : null;
    const passthrough = this.renditions.find((r) => r.passthrough);
    this.ingestHealth = new IngestHealthSampler({
      liveSessionId: job.sessionId, api: o.api, logger: o.logger, metrics: o.metrics, intervalMs: o.ingestHealthIntervalMs, ffprobePath: o.ffprobePath,
      sourceFile: () => newestSourceCopy({ archiveDir: this.archive ? join(this.dir, 'archive') : undefined, passthroughDir: passthrough && join(this.dir, passthrough.name) }),
    });
  }

  /** A successor is ready and this session is stopping to release the broadcast to it (see handOver). */
  get releasing(): boolean {
    return typeof this.leaving?.stoppedAt === 'number';
  }

  /** pid of the current ffmpeg, if one runs. */
  get ffmpegPid(): number | undefined {
    return this.proc?.pid;
  }

  /** Runs the broadcast to its end; resolves with how it ended. */
  async execute(): Promise<LiveSessionOutcome> {
    const { logger } = this.o;
    const handover = this.o.job.handover;
    if (handover) {
      const channel = new HandoverChannel(this.o.storage, this.o.job.sessionId, handover.token);
      const decided = await channel.outcome().catch(() => null);
      if (decided?.kind === 'cancelled') return 'stood-down';
      // Released already: this is a retry of a successor that took over and died, so a plain takeover.
      if (!decided) {
        this.joining = { channel, until: handover.until, runEnded: false };
        this.run = handover.run;
        this.packaging.hold(); this.archive?.hold();
        logger.info({ run: this.run }, 'successor of a hand-over: encoding, publishing nothing until the predecessor releases');
      }
    }
    if (!this.joining) await this.restore();
    await this.pull.refresh();
    if (this.plan.degradedReason) await this.overload.reportStep(this.plan.degradedReason);
    // Each destination gets its own ffmpeg reading the ingest: nothing there can stall or restart the ladder.
    const simulcast = new Simulcast({ ...this.o.simulcast, sessionId: this.o.job.sessionId, api: this.o.api, pullUrl: () => this.pull.pullUrl, logger, ffmpegPath: this.o.ffmpegPath });
    // A successor pushes only once it took over: a destination takes one push per stream key.
    const joined = this.joining ? this.join(this.joining, () => simulcast.start()) : null;
    if (!joined) simulcast.start();
    let quickFailures = 0;
    this.o.metrics?.sessionStarted();
    // /metrics names the broadcast by an opaque label only (finding 14): the log maps it back for operators.
    if (this.o.metrics) logger.info({ broadcast: broadcastLabel(this.o.job.sessionId) }, 'metrics label of this broadcast');
    try {
      for (;;) {
        const started = Date.now();
        const exit = await this.runFfmpeg();
        // A load step keeps the recording running; any other end of the ladder's input ends it too.
        const stepping = this.overload.changing;
        const keepRecording = stepping && !this.o.signal?.aborted;
        if (keepRecording && this.recordingFrom) this.recordingFrom.stepped = true;
        if (!keepRecording) await this.stopRecording();
        const quick = Date.now() - started < (this.o.quickFailureMs ?? 10_000) && this.packaging.outputsThisRun === 0;
        quickFailures = quick ? quickFailures + 1 : 0;
        logger.info({ run: this.run, ...exit, quickFailures }, 'ffmpeg exited');

        if (this.releasing) return await this.release(this.leaving!.channel, this.leaving!.stoppedAt!);
        if (this.joining) {
          this.joining.runEnded = true;
          if (!(await joined)) return 'stood-down';
          // Took over: from here on this is the broadcast's session, whatever ended the run.
        }
        if (this.o.signal?.aborted) {
          await this.report({ type: 'ffmpeg-exit', run: this.run, code: exit.code, signal: exit.signal, reason: exit.reason, willRestart: false });
          await this.drain();
          return 'interrupted';
        }
        if (stepping) {
          // Stopped on purpose to run another ladder step: restart at once, same playlists, a discontinuity.
          await this.overload.applyStep();
          quickFailures = 0;
          this.packaging.markDiscontinuity();
          this.run++;
          continue;
        }
        const decision = await this.pull.decide();
        const giveUp = decision === 'restart' && quickFailures >= (this.o.maxQuickFailures ?? 5);
        await this.report({ type: 'ffmpeg-exit', run: this.run, code: exit.code, signal: exit.signal, reason: exit.reason, willRestart: decision === 'restart' && !giveUp });
        if (giveUp) return await this.finish('failed', exit.reason ?? 'ffmpeg keeps failing');
        if (decision === 'finish') return await this.finish('ended');

        this.packaging.markDiscontinuity();
        const delay = Math.min(500 * 2 ** Math.max(0, quickFailures - 1), this.o.restartBackoffCapMs ?? 8000);
        await sleep(delay, undefined, { signal: this.o.signal }).catch(() => undefined);
        if (this.o.signal?.aborted) {
          await this.drain();
          return 'interrupted';
        }
        this.run++;
      }
    } finally {
      if (this.joining) this.joining.runEnded = true;
      await joined;
      await simulcast.stop();
      await this.stopRecording();
      await this.ingestHealth.close();
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * Hands this broadcast to another worker without a dark gap (either latency mode): asks for a successor through
   * `enqueue` (a `live` job marked as a hand-over) and keeps publishing until it has output for every rendition;
   * then stops its ffmpeg, and execute() uploads what it has, releases the broadcast and resolves 'handed-over'.
   * True once that is under way; false when nothing changed: no ffmpeg running, or no successor ready before
   * `deadline` or before this run ended (the successor then stands down).
   */
  async handOver(enqueue: (job: LiveJob) => Promise<void>, deadline: AbortSignal, until: number): Promise<boolean> {
    const proc = this.proc;
    if (!proc || this.leaving || this.joining || deadline.aborted) return false;
    const token = randomUUID();
    const channel = new HandoverChannel(this.o.storage, this.o.job.sessionId, token);
    this.leaving = { channel, stoppedAt: null };
    const ready = await awaitSuccessor({
      channel, deadline, running: () => this.proc === proc, logger: withContext(this.o.logger, { handover: token }),
      enqueue: () => enqueue({ ...this.o.job, handover: { token, run: this.run + 1, until } }),
    });
    if (!ready) {
      this.leaving = null;
      return false;
    }
    this.leaving.stoppedAt = Date.now();
    this.o.logger.info({ handover: token }, 'successor ready: stopping this ffmpeg and releasing the broadcast');
    void proc.stop();
    return true;
  }

  /** Predecessor, its ffmpeg stopped for a ready successor: stops the recording (if a load step kept it), uploads everything (low latency: its open segment closed), releases. */
  private async release(channel: HandoverChannel, stoppedAt: number): Promise<LiveSessionOutcome> {
    await this.stopRecording();
    await this.packaging.seal();
    await this.drain();
    try {
      // Its media ends where ffmpeg was told to stop (the flushed last segment is taken in a little later).
      await channel.decide({ kind: 'released', lastSegmentAt: this.packaging.published ? stoppedAt : null, recordingStoppedAt: this.recordingStoppedAt });
    } catch (err) {
      // The successor stands down at its deadline; the queue gives this job to a worker as after a kill.
      this.o.logger.error({ err }, 'could not release the broadcast to its successor');
      return 'interrupted';
    }
    this.o.logger.info('broadcast handed over');
    return 'handed-over';
  }

  /** Successor: takes the broadcast over once the predecessor releases it (true), or stands down and stops this ffmpeg (false). */
  private async join(j: NonNullable<LiveSession['joining']>, started: () => void): Promise<boolean> {
    const outcome = await awaitRelease({
      channel: j.channel, until: j.until, complete: () => this.packaging.holdingComplete, logger: this.o.logger,
      stopping: () => j.runEnded || this.o.signal?.aborted === true,
    });
    if (!outcome) {
      this.o.logger.info('successor standing down');
      await this.proc?.stop();
      return false;
    }
    await this.packaging.restore();
    this.packaging.release(outcome.lastSegmentAt);
    this.archive?.release();
    // Both recorded while the two ran: the archive holds that stretch twice, the playlists once.
    if (this.recordingStartedAt !== null && outcome.recordingStoppedAt !== null) {
      this.skippedSeconds += Math.max(0, outcome.recordingStoppedAt - this.recordingStartedAt) / 1000;
    }
    this.joining = null;
    this.o.logger.info({ run: this.run, overlapSeconds: this.skippedSeconds }, 'took over the broadcast from its predecessor');
    await this.archive?.markTakeover({ run: this.run, chunkSeconds: this.o.archiveChunkSeconds ?? 10, segmentSeconds: this.o.job.segmentSeconds }).catch((err: unknown) => {
      this.o.logger.error({ err }, 'could not note the takeover beside the archive');
    });
    void this.archive?.upload(this.recording?.runningRun ?? null);
    started();
    return true;
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
      if (!this.packaging.published && this.run === 0) return false;
      this.o.logger.info({ runs: this.run }, 'finalising a session that ended without its worker');
      await this.finish('ended');
      return true;
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  private async runFfmpeg(): Promise<FfmpegExit> {
    for (const r of this.renditions) await mkdir(join(this.dir, r.name), { recursive: true });
    if (this.archive) await mkdir(join(this.dir, 'archive'), { recursive: true });
    const input = this.o.input?.(this.run, this.pull.pullUrl) ?? { url: this.pull.pullUrl, args: LIVE_INPUT_ARGS };
    // The recording is its own remux ffmpeg (see ArchiveProcess) in both modes.
    const args = await this.packaging.start({ run: this.run, input, ladder: this.overload.ladder, thumbnail: this.thumbnail?.output });
    if (this.recording && this.recording.runningRun === null) {
      this.recordingFrom = { mediaSeconds: this.packaging.mediaSeconds, stepped: false };
      this.recordingStartedAt ??= Date.now();
    }
    this.recording?.ensure(this.run, input);
    const proc = FfmpegProcess.start(args, { ffmpegPath: this.o.ffmpegPath });
    this.proc = proc;
    const onAbort = (): void => void proc.stop();
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.o.signal?.aborted) onAbort();

    const output = this.packaging.follow();
    const thumbnails = this.thumbnail?.follow();
    const stopPullWatch = this.pull.watchRun(proc);
    const health = setInterval(() => {
      const p = proc.lastProgress;
      if (p) void this.report({ type: 'health', fps: p.fps, bitrateKbps: p.bitrateKbps, speed: p.speed, droppedFrames: p.dropFrames });
    }, this.o.healthIntervalMs ?? 5000);
    this.ingestHealth.attach(() => proc.lastProgress);
    const stopOverloadWatch = this.overload.watch(proc, this.run);
    try {
      return await proc.exited;
    } finally {
      stopOverloadWatch();
      this.ingestHealth.detach();
      clearInterval(health);
      stopPullWatch();
      this.o.signal?.removeEventListener('abort', onAbort);
      this.proc = null;
      // Every output of the run is taken in (and queued for upload) before the session decides what next.
      await output.stop();
      await thumbnails?.stop();
    }
  }

  /**
   * Ends the recording process. When load steps restarted the ladder during it, the playlists lack what each
   * restart skipped and the recording does not: the difference is reported so the VOD check expects it.
   */
  private async stopRecording(): Promise<void> {
    if (!this.recording) return;
    const recorded = await this.recording.stop();
    if (recorded > 0) this.recordingStoppedAt = Date.now();
    await this.packaging.idle();
    const from = this.recordingFrom;
    this.recordingFrom = null;
    if (from?.stepped) this.skippedSeconds += Math.max(0, recorded - (this.packaging.mediaSeconds - from.mediaSeconds));
  }

  /** Publishes the master playlist once every rendition has media in storage, then tells the API. */
  private maybePublishMaster(): void {
    if (this.masterPublished || !this.packaging.allStarted) return;
    this.masterPublished = true;
    const { job } = this.o;
    const variants = masterVariants(job, this.renditions, (name) => this.packaging.measured(name));
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
    this.run = Math.max(this.run, await this.packaging.restore());
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
    await this.packaging.idle();
    await this.archive?.upload(null);
    await this.readyPromise;
  }

  private async finish(outcome: 'ended' | 'failed', reason?: string): Promise<LiveSessionOutcome> {
    await this.drain();
    await this.packaging.finish();
    // Markers of hand-overs during the broadcast (see handOver).
    await this.o.storage.deletePrefix(handoverPrefix(this.o.job.sessionId)).catch(() => undefined);
    if (outcome === 'failed') await this.report({ type: 'failed', reason: (reason ?? 'failed').slice(0, 2000) });
    else await this.report({ type: 'ended', mediaSeconds: this.packaging.mediaSeconds, ...(this.skippedSeconds > 0 ? { skippedSeconds: Math.round(this.skippedSeconds * 1000) / 1000 } : {}) });
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
