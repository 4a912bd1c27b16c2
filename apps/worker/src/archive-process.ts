import { archiveOutputArgs, FfmpegProcess } from '@onda/media';
import type { ArchiveRecorder } from './archive-recorder.js';
import type { Logger } from './logger.js';

const UPLOAD_EVERY_MS = 2000;

export interface ArchiveProcessOptions {
  recorder: ArchiveRecorder;
  chunkSeconds: number;
  logger: Logger;
  ffmpegPath?: string;
}

/**
 * The recording as its own ffmpeg (a remux: no decode, a few percent of a core) beside the ladder's. The
 * ladder's ffmpeg is restarted to shed or restore load, and each restart drops the input it had not read
 * yet (up to its lag behind real time) and a second of start-up; the recording must not lose that, so
 * it keeps running across those restarts and stops only when the input ends or the broadcast does.
 */
export class ArchiveProcess {
  private proc: FfmpegProcess | null = null;
  private running = false;
  private run = -1;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ArchiveProcessOptions) {}

  /** Run number whose chunks are being written, or null when not recording. */
  get runningRun(): number | null {
    return this.running ? this.run : null;
  }

  /** Starts recording (chunks of `run`) from `input`, unless a recording still runs. */
  ensure(run: number, input: { url: string; args: readonly string[] }): void {
    if (this.running) return;
    const proc = FfmpegProcess.start([...input.args, '-i', input.url, ...archiveOutputArgs({ pattern: this.o.recorder.pattern(run), chunkSeconds: this.o.chunkSeconds })], { ffmpegPath: this.o.ffmpegPath });
    this.proc = proc;
    this.run = run;
    this.running = true;
    void proc.exited.then((exit) => {
      if (this.proc !== proc) return;
      this.running = false;
      if (exit.reason) this.o.logger.warn({ run, ...exit }, 'recording ffmpeg exited');
    });
    this.timer = setInterval(() => void this.o.recorder.upload(this.runningRun), UPLOAD_EVERY_MS);
  }

  /**
   * Stops the recording (SIGINT: the last chunk is finalised) and uploads every chunk; resolves with the
   * media seconds this recording process wrote (0 when none ran).
   */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const proc = this.proc;
    if (proc) await proc.stop();
    this.running = false;
    this.proc = null;
    await this.o.recorder.upload(null);
    return proc?.lastProgress?.outTimeSeconds ?? 0;
  }
}
