import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback (the OS picks; we release it right away). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Date.now() right after spawn() returned. */
  spawnedAt: number;
  /** The tail of its combined stdout and stderr (printed when a test fails). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGINT (ffmpeg and Onda finalise on it), then SIGKILL (to the whole process group when detached) after a grace period. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface RunOptions {
  /**
   * Its own process group (the default), so stop() and killGroup() also reach what it spawned (Onda's ffmpeg,
   * PostgreSQL); false keeps it in the caller's group.
   */
  detached?: boolean;
}

const live = new Set<Proc>();

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** E2E_VERBOSE or BENCH_VERBOSE: echo every process's output to stderr as it comes. */
const verbose = (): boolean => !!(process.env.E2E_VERBOSE || process.env.BENCH_VERBOSE);

/** Spawns a process, keeping the tail of its output; tracked (for stopAll and killAllNow) until it exits. */
export function run(name: string, command: string, args: string[], env: Record<string, string> = {}, opts: RunOptions = {}): Proc {
  const detached = opts.detached ?? true;
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  const spawnedAt = Date.now();
  let out = '';
  const keep = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.length > 400_000) out = out.slice(-200_000);
    if (verbose()) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (e) => {
      out += String(e);
      resolve(-1);
    });
    child.once('exit', (code) => resolve(code));
  });
  const kill = (): void => (detached ? signalGroup(child, 'SIGKILL') : void child.kill('SIGKILL'));
  const proc: Proc = {
    name,
    child,
    spawnedAt,
    output: () => out,
    exited,
    async stop(graceMs = 15_000) {
      if (running(child)) {
        child.kill('SIGINT');
        const timer = setTimeout(kill, graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Anything the child left behind in its group (an ffmpeg the worker had not reaped yet).
      if (detached) signalGroup(child, 'SIGKILL');
      return child.exitCode;
    },
  };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

/** SIGKILLs a detached process and everything in its process group (a crash: no cleanup, no SIGINT handler). */
export async function killGroup(proc: Proc): Promise<void> {
  signalGroup(proc.child, 'SIGKILL');
  await proc.exited;
}

/** Stops every process still running, gracefully first. */
export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

const exitTasks = new Set<() => void>();

/** Registers synchronous cleanup (e.g. removing a temp folder) for an interrupted run; returns its unregister. */
export function atExit(task: () => void): () => void {
  exitTasks.add(task);
  return () => exitTasks.delete(task);
}

/** Last resort on process exit (synchronous): SIGKILL every tracked process group, then run atExit tasks. */
export function killAllNow(): void {
  for (const p of live) signalGroup(p.child, 'SIGKILL');
  for (const task of exitTasks) task();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; errors count as "not yet" (the last one is reported). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
