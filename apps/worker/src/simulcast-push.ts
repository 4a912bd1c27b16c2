import { setTimeout as sleep } from 'node:timers/promises';
import type { DestinationStateReport } from '@onda/contracts';
import { classifyPushFailure, FfmpegProcess, simulcastPushArgs } from '@onda/media';
import type { Logger } from './logger.js';
import { SimulcastRelay } from './simulcast-relay.js';
import { PushState, type PushStateOptions, type PushStep } from './simulcast-state.js';

export interface DestinationPushOptions {
  destinationId: string;
  pushUrl: string;
  /** Where the source is pulled now (follows the encoder to another ingest after a reconnect). */
  pullUrl: () => string;
  /** Whether the publisher is connected now: an attempt that ended without it does not count against the destination. */
  sourceUp: () => Promise<boolean>;
  report: (r: DestinationStateReport) => Promise<void>;
  logger: Logger;
  ffmpegPath?: string;
  /** OUTBOUND_ALLOW_PRIVATE: the operator lets pushes reach private addresses. */
  allowPrivate: boolean;
  backoff?: PushStateOptions;
  /** Flags before `-i` (tests). */
  inputArgs?: readonly string[];
}

/**
 * One destination's push for as long as the broadcast runs: an ffmpeg of its own (`-c copy` to FLV) reading
 * the ingest, through a SimulcastRelay (the address guard at every connection), restarted with backoff after
 * every drop, its state reported to the API on every change. Nothing it does touches the ladder.
 */
export class DestinationPush {
  private readonly state: PushState;
  private proc: FfmpegProcess | null = null;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(private readonly o: DestinationPushOptions) {
    this.state = new PushState(o.backoff);
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => this.o.logger.error({ err, destinationId: this.o.destinationId }, 'simulcast push crashed'));
  }

  /** Stops the push (SIGINT, so the FLV ends cleanly) and reports it idle. */
  async stop(opts: { report?: boolean } = {}): Promise<void> {
    this.stopping.abort();
    await this.proc?.stop();
    await this.loop;
    if (opts.report !== false) await this.emit(this.state.stopped());
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let relay: SimulcastRelay;
    try {
      relay = await SimulcastRelay.open(this.o.pushUrl, { allowPrivate: this.o.allowPrivate });
    } catch (err) {
      await this.emit(this.state.ended(`the push could not start: ${(err as Error).message}`, { permanent: true }));
      return;
    }
    try {
      while (!signal.aborted) {
        await this.emit(this.state.connect());
        relay.lastFailure = null;
        const tail: string[] = [];
        const proc = FfmpegProcess.start(simulcastPushArgs({ pullUrl: this.o.pullUrl(), outputUrl: relay.localUrl, tcUrl: relay.tcUrl, ...(this.o.inputArgs ? { inputArgs: this.o.inputArgs } : {}) }), { ffmpegPath: this.o.ffmpegPath, stopGraceMs: 3000 });
        this.proc = proc;
        const onProgress = (p: { outTimeSeconds: number | null; frame: number | null }): void => {
          if (this.state.state !== 'live' && ((p.outTimeSeconds ?? 0) > 0 || (p.frame ?? 0) > 0)) void this.emit(this.state.flowing());
        };
        const onStderr = (line: string): void => {
          tail.push(line);
          if (tail.length > 30) tail.shift();
        };
        proc.on('progress', onProgress);
        proc.on('stderr', onStderr);
        const exit = await proc.exited;
        proc.off('progress', onProgress);
        proc.off('stderr', onStderr);
        this.proc = null;
        if (signal.aborted) break;
        // The relay knows best why nothing reached the destination; ffmpeg's lines carry the key, so only fixed sentences.
        const failure = relay.failure();
        const reason = failure ?? classifyPushFailure(tail, exit.code);
        const permanent = failure?.startsWith('refused') ?? false;
        const sourceAway = !permanent && !(await this.o.sourceUp().catch(() => true));
        const step = this.state.ended(reason, { permanent, sourceAway });
        this.o.logger.warn({ destinationId: this.o.destinationId, code: exit.code, reason, state: step.state, retryInMs: step.delayMs }, 'simulcast push ended');
        await this.emit(step);
        if (step.state === 'failed') return;
        await sleep(step.delayMs ?? 1000, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      await relay.close();
    }
  }

  private async emit(step: PushStep): Promise<void> {
    await this.o.report({ state: step.state, reason: step.reason }).catch((err: unknown) => {
      this.o.logger.warn({ err, destinationId: this.o.destinationId, state: step.state }, 'could not report a simulcast state');
    });
  }
}
