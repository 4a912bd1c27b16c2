import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import ffmpeg from 'fluent-ffmpeg';
import { classifyFfmpegFailure } from './ffmpeg-errors.js';

/** Encoder progress as ffmpeg reports it with `-progress`; null where ffmpeg says N/A. */
export interface FfmpegProgress {
  frame: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  speed: number | null;
  dropFrames: number | null;
  outTimeSeconds: number | null;
}

/** How an ffmpeg process ended; `reason` is plain English, null for a clean exit. */
export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: string | null;
}

export interface FfmpegProcessOptions {
  /** Binary to run (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** Time between SIGINT and SIGKILL in stop() (default 5000 ms). */
  stopGraceMs?: number;
  /** stderr lines kept for diagnosis (default 200). */
  stderrLines?: number;
  /** Scheduling niceness (0-19): background work such as VOD encodes yields the CPU to live ladders. */
  niceness?: number;
}

// Flags every run gets: machine-readable progress on stdout instead of the \r-rewritten stats line on stderr.
const COMMON_ARGS = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1'];

const num = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
};

/** Parses one `-progress` block (key=value pairs up to `progress=...`). */
export function parseProgressBlock(fields: Record<string, string>): FfmpegProgress {
  // ffmpeg 5 writes out_time_ms in microseconds too (a long-standing naming bug), so prefer out_time_us.
  const us = num(fields.out_time_us) ?? num(fields.out_time_ms);
  return {
    frame: num(fields.frame),
    fps: num(fields.fps),
    bitrateKbps: num(fields.bitrate?.replace(/kbits\/s$/, '')),
    speed: num(fields.speed?.replace(/x$/, '')),
    dropFrames: num(fields.drop_frames),
    outTimeSeconds: us === null ? null : us / 1_000_000,
  };
}

/**
 * Splits a flat ffmpeg argument list into fluent-ffmpeg's model: per-input options and `-i`, then
 * the output options and the output target (the last argument).
 */
export function splitArgs(args: readonly string[]): { inputs: Array<{ options: string[]; source: string }>; output: { options: string[]; target: string } } {
  const inputs: Array<{ options: string[]; source: string }> = [];
  let pending: string[] = [];
  let i = 0;
  const lastInput = args.lastIndexOf('-i');
  if (lastInput < 0 || lastInput + 1 >= args.length) throw new Error('ffmpeg arguments need at least one -i <input>');
  for (; i <= lastInput; i++) {
    if (args[i] === '-i') {
      inputs.push({ options: pending, source: args[++i]! });
      pending = [];
    } else {
      pending.push(args[i]!);
    }
  }
  const rest = args.slice(i);
  const target = rest.pop();
  if (target === undefined) throw new Error('ffmpeg arguments need an output after the inputs');
  return { inputs, output: { options: rest, target } };
}

/** The executable ffmpeg would run as, or null: a path is checked as is, a bare name is looked up in PATH. */
export function findExecutable(bin: string): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (bin.includes('/')) return executable(bin) ? bin : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, bin))) return path.join(dir, bin);
  }
  return null;
}

let warm: Promise<void> | null = null;

/**
 * fluent-ffmpeg asks ffmpeg for its formats and encoders before the first run (then caches them);
 * doing it at worker start keeps that out of the first broadcast's publish-to-playable time.
 */
export function warmUpFfmpeg(ffmpegPath = 'ffmpeg'): Promise<void> {
  warm ??= new Promise<void>((resolve) => {
    ffmpeg.setFfmpegPath(ffmpegPath);
    ffmpeg.getAvailableFormats(() => ffmpeg.getAvailableEncoders(() => resolve()));
  });
  return warm;
}

/**
 * One running ffmpeg: argument array in, progress events and a classified exit out. The only module
 * that runs ffmpeg, through fluent-ffmpeg (archived upstream), so the adapter underneath can be
 * swapped without touching callers. Arguments are always an array, never a shell string.
 */
export class FfmpegProcess extends EventEmitter<{ progress: [FfmpegProgress]; stderr: [string] }> {
  /** Resolves once, when the process has exited (or failed to start). */
  readonly exited: Promise<FfmpegExit>;
  private child: ChildProcess | null = null;
  private readonly tail: string[] = [];
  private readonly maxLines: number;
  private readonly graceMs: number;
  private stopRequested = false;
  private killTimer: NodeJS.Timeout | null = null;
  private last: FfmpegProgress | null = null;

  private constructor(args: readonly string[], opts: FfmpegProcessOptions) {
    super();
    this.maxLines = opts.stderrLines ?? 200;
    this.graceMs = opts.stopGraceMs ?? 5000;
    const bin = opts.ffmpegPath ?? 'ffmpeg';
    const { inputs, output } = splitArgs([...COMMON_ARGS, ...args]);
    // stdoutLines: 1 because stdout carries -progress blocks, which we parse from the stream ourselves.
    const command = ffmpeg({ stdoutLines: 1, ...(opts.niceness ? { niceness: opts.niceness } : {}) }).setFfmpegPath(bin);
    for (const input of inputs) {
      command.input(input.source);
      // Several arguments at once: fluent-ffmpeg passes them through verbatim (no splitting on spaces).
      if (input.options.length) command.inputOptions(...input.options);
    }
    command.output(output.target);
    if (output.options.length) command.outputOptions(...output.options);

    // fluent-ffmpeg 2.1.3 throws an uncaught TypeError when spawning a missing binary after its
    // capability cache is warm, so a missing binary is reported here and never handed to it.
    if (!findExecutable(bin)) {
      this.exited = Promise.resolve({ code: null, signal: null, reason: `ffmpeg not found at "${bin}"` });
      return;
    }
    this.exited = new Promise<FfmpegExit>((resolve) => {
      command.on('start', () => {
        const child = (command as unknown as { ffmpegProc: ChildProcess }).ffmpegProc;
        this.child = child;
        if (this.stopRequested) this.signalStop();
        this.attach(child);
        // 'close' (not 'exit') so the stderr tail is complete before we classify it.
        child.once('close', (code, signal) => resolve({ code, signal, reason: this.explain(code, signal) }));
      });
      // fluent-ffmpeg reports non-zero exits here too; only failures before a process existed matter.
      command.on('error', (err: Error) => {
        // A spawned ffmpeg reports through 'close'; a spawn that failed (no pid) never closes.
        if (this.child?.pid !== undefined) return;
        const reason = /Cannot find ffmpeg|ENOENT/.test(err.message) ? `ffmpeg not found at "${bin}"` : `ffmpeg could not start: ${err.message}`;
        resolve({ code: null, signal: null, reason });
      });
      command.on('end', () => undefined);
    });
    void this.exited.finally(() => {
      if (this.killTimer) clearTimeout(this.killTimer);
    });
    command.run();
  }

  /** Starts ffmpeg with an argument array (never a shell string). */
  static start(args: readonly string[], opts: FfmpegProcessOptions = {}): FfmpegProcess {
    return new FfmpegProcess(args, opts);
  }

  /** The process id once ffmpeg has been spawned. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The latest progress report, if any arrived. */
  get lastProgress(): FfmpegProgress | null {
    return this.last;
  }

  /** The last stderr lines (at most `stderrLines`). */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** SIGINT so ffmpeg finalises its outputs, then SIGKILL if it is still running after the grace period. */
  async stop(graceMs = this.graceMs): Promise<FfmpegExit> {
    if (this.child && (this.child.exitCode !== null || this.child.signalCode !== null)) return this.exited;
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.stopGrace = graceMs;
      if (this.child) this.signalStop();
    }
    return this.exited;
  }

  private stopGrace = 0;

  private signalStop(): void {
    const child = this.child!;
    child.kill('SIGINT');
    this.killTimer = setTimeout(() => child.kill('SIGKILL'), this.stopGrace || this.graceMs);
  }

  private attach(child: ChildProcess): void {
    let block: Record<string, string> = {};
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const eq = line.indexOf('=');
      if (eq < 0) return;
      const key = line.slice(0, eq).trim();
      block[key] = line.slice(eq + 1).trim();
      if (key === 'progress') {
        this.last = parseProgressBlock(block);
        block = {};
        this.emit('progress', this.last);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > this.maxLines) this.tail.shift();
      this.emit('stderr', line);
    });
  }

  private explain(code: number | null, signal: NodeJS.Signals | null): string | null {
    if (code === 0) return null;
    // ffmpeg exits 255 after a SIGINT it handled itself.
    if (this.stopRequested && (code === 255 || signal === 'SIGINT')) return null;
    if (signal) return this.stopRequested ? `ffmpeg did not stop in time and was killed (${signal})` : `ffmpeg was killed by ${signal}`;
    return classifyFfmpegFailure(this.tail);
  }
}
