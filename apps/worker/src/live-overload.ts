import type { SourceInfo, WorkerEvent } from '@onda/contracts';
import { isAudioOnly, ladderCost, maxShedLevel, shedLadder, type FfmpegProcess, type LadderRun, type LivePlan } from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { Logger } from './logger.js';
import { OverloadController, type OverloadControllerOptions, type OverloadDecision } from './overload-controller.js';
import { watchOverload } from './overload-watch.js';

export interface LiveOverloadOptions {
  sessionId: string;
  source: SourceInfo;
  plan: LivePlan;
  freeCores?: number;
  overload?: Partial<OverloadControllerOptions>;
  metrics?: LiveTranscodeMetrics;
  logger: Logger;
  report: (e: WorkerEvent) => Promise<void>;
}

/**
 * The overload steps of a live session: which ladder step the next ffmpeg runs, the controller that
 * watches a running ffmpeg's speed, and the reports of every step change (streamer warning, health,
 * webhook). A step change stops ffmpeg; the session restarts it at once with `ladder`.
 */
export class LiveOverload {
  /** Sheds and restores ladder steps from ffmpeg's speed; null when nothing is encoded (a copy cannot shed). */
  private readonly controller: OverloadController | null;
  /** What the current ffmpeg produces (a step of the planned ladder). */
  ladder: LadderRun;
  /** Set when ffmpeg is being restarted at another overload step. */
  private stepChange: NonNullable<OverloadDecision> | null = null;

  constructor(private readonly o: LiveOverloadOptions) {
    const { plan, source } = o;
    this.controller = plan.renditions.some((r) => !r.passthrough && !isAudioOnly(r))
      ? new OverloadController({
        maxLevel: maxShedLevel(plan.renditions, source.fps), level: plan.shedLevel, capacityCores: o.freeCores ?? Number.POSITIVE_INFINITY,
        costOf: (level) => {
          const run = shedLadder(plan.renditions, plan.preset, level, source.fps);
          return ladderCost(source, run.renditions, run.preset);
        },
        ...o.overload,
      })
      : null;
    this.ladder = shedLadder(plan.renditions, plan.preset, plan.shedLevel, source.fps);
  }

  /** ffmpeg is being stopped to run another step. */
  get changing(): boolean {
    return this.stepChange !== null;
  }

  /** Watches a run's ffmpeg; stops it when the controller wants another step. Returns the function that stops watching. */
  watch(proc: FfmpegProcess, run: number): () => void {
    if (!this.controller) return () => undefined;
    return watchOverload(proc, this.controller, (d) => {
      this.o.logger.warn({ ...d, run }, d.action === 'shed' ? 'broadcast cannot keep real time: shedding load' : 'capacity is back: stepping up');
      this.stepChange = d;
      void proc.stop();
    });
  }

  /** After a run stopped for a step change: moves to that step for the next run and tells the API. */
  async applyStep(): Promise<void> {
    const d = this.stepChange;
    if (!d) return;
    this.ladder = shedLadder(this.o.plan.renditions, this.o.plan.preset, d.level, this.o.source.fps);
    this.o.metrics?.overloadStep(this.o.sessionId, d.level, d.action);
    await this.reportStep(d.level === 0 ? null : `the server is short of CPU (${d.reason})`);
    this.stepChange = null;
  }

  reportStep(reason: string | null): Promise<void> {
    if (!this.stepChange) this.o.metrics?.overloadStep(this.o.sessionId, this.controller?.level ?? 0, 'start');
    return this.o.report({ type: 'degraded', level: this.controller?.level ?? 0, maxLevel: maxShedLevel(this.o.plan.renditions, this.o.source.fps), reason, renditions: this.ladder.renditions.map((r) => r.name) });
  }
}
