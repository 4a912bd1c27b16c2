import { spawn } from 'node:child_process';
import type { IngestAuthorize, IngestAuthorizeResult, IngestSessionView, IngestStarted } from '@onda/contracts';
import type { IngestApiClient } from '../api-client.js';
import type { IngestLogger } from '../ingest.js';

// Test-only helpers for the medium specs; excluded from the build (tsconfig.build.json).

/** An in-memory IngestApiClient that records calls; `keys` maps stream key -> result. */
export class FakeIngestApi implements IngestApiClient {
  readonly authorizeCalls: IngestAuthorize[] = [];
  readonly startedCalls: Array<{ sessionId: string; body: IngestStarted; at: number }> = [];
  readonly disconnectedCalls: Array<{ sessionId: string; reason: string; at: number }> = [];
  delayMs = 0;
  failWith: Error | null = null;
  /** Session ids the API has force-ended: `session()` answers disconnect for them. */
  readonly ended = new Set<string>();
  sessionCalls = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly keys: Map<string, IngestAuthorizeResult>) {}

  async authorize(req: IngestAuthorize): Promise<IngestAuthorizeResult | null> {
    this.authorizeCalls.push(req);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    return this.keys.get(req.streamKey) ?? null;
  }

  async started(sessionId: string, body: IngestStarted): Promise<void> {
    this.startedCalls.push({ sessionId, body, at: Date.now() });
    this.notify();
  }

  async disconnected(sessionId: string, reason: string): Promise<void> {
    this.disconnectedCalls.push({ sessionId, reason, at: Date.now() });
    this.notify();
  }

  async session(sessionId: string): Promise<IngestSessionView> {
    this.sessionCalls++;
    const ended = this.ended.has(sessionId);
    return { id: sessionId, state: ended ? 'ended' : 'live', disconnect: ended };
  }

  /** Resolves once `predicate` holds, checked after every call; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('FakeIngestApi.waitFor timed out');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A logger that keeps every line so tests can check what was (not) logged. */
export function memoryLogger(): IngestLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (msg: string, ctx?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(ctx ?? {})}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export interface RunningProcess {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; at: number }>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): void;
}

/** Runs a command (argument array, no shell), killing it after `timeoutMs` at the latest. */
export function run(command: string, args: string[], timeoutMs = 20_000): RunningProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; at: number }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr, at: Date.now() });
    });
  });
  return { exited, stderr: () => stderr, stop: (signal = 'SIGINT') => child.kill(signal) };
}

/** ffmpeg publishing a 640x360@30 test pattern (with a sine tone unless `audio` is false) to `url`. */
export function publish(url: string, opts: { seconds?: number; audio?: boolean; extra?: string[] } = {}): RunningProcess {
  const audio = opts.audio ?? true;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'];
  if (audio) args.push('-f', 'lavfi', '-i', 'sine');
  args.push('-t', String(opts.seconds ?? 8), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30');
  if (audio) args.push('-c:a', 'aac');
  args.push(...(opts.extra ?? []), '-f', 'flv', url);
  return run('/usr/bin/ffmpeg', args);
}

/** ffprobe of an RTMP url; resolves to the probed streams, or null when the server refused. */
export async function probe(url: string): Promise<{ streams: Array<{ codec_type: string; width?: number; height?: number }> } | null> {
  const child = spawn('/usr/bin/ffprobe', ['-v', 'error', '-rw_timeout', '5000000', '-show_streams', '-of', 'json', url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  return code === 0 ? (JSON.parse(out) as { streams: Array<{ codec_type: string; width?: number; height?: number }> }) : null;
}
