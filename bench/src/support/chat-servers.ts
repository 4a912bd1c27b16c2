/**
 * The two chat servers under test, each its own process with the probe hook preloaded: the Onda API
 * (`onda api`, embedded PostgreSQL, in-memory socket.io adapter) and the plain one-emit-per-message
 * socket.io baseline. Also /proc readings for what the probe cannot see (child processes, the machine).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProbeReport } from './chat-probe-hook.js';
import { repoRoot } from './platform.js';
import { atExit, createAdmin, freePort, run, waitFor, type Proc } from '@onda/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
const hook = pathToFileURL(path.join(here, 'chat-probe-hook.js')).href;
const ondaMain = path.join(repoRoot, 'apps/onda/dist/main.js');

export type ChatSide = 'onda' | 'baseline';

export interface ChatServer {
  side: ChatSide;
  httpUrl: string;
  /** What viewers send as `channel` in `join`. */
  channel: string;
  proc: Proc;
  /** GET /probe on the server's preloaded hook; `gc` collects first, `reset` restarts the event-loop histogram. */
  probe(opts?: { gc?: boolean; reset?: boolean; timeoutMs?: number }): Promise<ProbeReport>;
  stop(): Promise<void>;
}

/** The server's node flags: a GC on request (steadier RSS readings) and the probe hook. */
const nodeFlags = ['--expose-gc', '--import', hook];

function prober(port: number): ChatServer['probe'] {
  return async (opts = {}) => {
    const query = [opts.gc ? 'gc=1' : '', opts.reset ? 'reset=1' : ''].filter(Boolean).join('&');
    // A server that has fallen far behind answers late or never: the caller decides how long to wait.
    const res = await fetch(`http://127.0.0.1:${port}/probe?${query}`, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
    if (!res.ok) throw new Error(`probe: HTTP ${res.status}`);
    return (await res.json()) as ProbeReport;
  };
}

async function ready(proc: Proc, url: string, timeoutMs: number): Promise<void> {
  await waitFor(`${proc.name} to be ready`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output().slice(-5000)}`);
    return (await fetch(url)).ok;
  }, timeoutMs, 200);
}

/** The plain socket.io server (chat-baseline-server.ts). */
export async function startBaselineServer(): Promise<ChatServer> {
  const [port, probePort] = [await freePort(), await freePort()];
  const proc = run('chat-baseline', 'node', [...nodeFlags, path.join(here, 'chat-baseline-server.js')], { PORT: String(port), BENCH_PROBE_PORT: String(probePort) });
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await ready(proc, `${httpUrl}/readyz`, 20_000);
  } catch (e) {
    await proc.stop(2000);
    throw e;
  }
  return { side: 'baseline', httpUrl, channel: 'bench-chat', proc, probe: prober(probePort), stop: async () => void (await proc.stop(5000)) };
}

/**
 * Settings for a benchmark room: one box holds every connection, so per-IP connection limits must allow
 * the whole load (in production they keep one address from holding thousands of sockets).
 */
export const ONDA_CHAT_BENCH_ENV: Record<string, string> = { CHAT_MAX_CONNECTIONS_PER_IP: '1000000' };

/** `onda api` alone in embedded mode on a throwaway data folder, with a channel to chat in. */
export async function startOndaApi(env: Record<string, string> = {}): Promise<ChatServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-bench-chat-'));
  const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true });
  const unregister = atExit(removeDataDir);
  const [port, probePort] = [await freePort(), await freePort()];
  const httpUrl = `http://127.0.0.1:${port}`;
  const baseEnv = {
    DATA_DIR: dataDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    PUBLIC_URL: httpUrl,
    DATABASE_URL: '',
    REDIS_URL: '',
    S3_BUCKET: '',
    ONDA_INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'warn',
    ...ONDA_CHAT_BENCH_ENV,
    ...env,
  };
  // The admin first, while nothing holds the embedded database (`onda api` does not advertise it to the CLI).
  const token = await createAdmin({ entry: ondaMain, env: baseEnv, email: 'bench@example.com' }).catch((e: unknown) => {
    removeDataDir();
    unregister();
    throw e;
  });
  const proc = run('onda-api', 'node', [...nodeFlags, ondaMain, 'api'], { ...baseEnv, BENCH_PROBE_PORT: String(probePort) });
  const stop = async (): Promise<void> => {
    await proc.stop(15_000);
    removeDataDir();
    unregister();
  };
  try {
    await ready(proc, `${httpUrl}/readyz`, 90_000);
    const channel = 'bench-chat';
    const res = await fetch(`${httpUrl}/v1/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ slug: channel, title: 'Chat bench' }),
    });
    if (res.status !== 201) throw new Error(`POST /v1/channels: HTTP ${res.status} ${await res.text()}`);
    return { side: 'onda', httpUrl, channel, proc, probe: prober(probePort), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Linux reports process times in USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/** User + system CPU microseconds of one process (all its threads: GC helpers, libuv pool), from /proc. */
export function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
}

/** Resident set size of one process in bytes, from /proc (readable while its event loop is stuck). */
export function processRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** User + system CPU microseconds of every live descendant of `pid` (the embedded PostgreSQL of the API, say). */
export function descendantsCpuUs(pid: number): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after "(comm)": state ppid ... utime(14) stime(15), counted from 1 over the whole line.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ);
    } catch {
      // Exited while we looked.
    }
  }
  let total = 0;
  for (const [p] of cpu) {
    for (let up = parent.get(p); up !== undefined && up > 1; up = parent.get(up)) {
      if (up === pid) {
        total += cpu.get(p)!;
        break;
      }
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}
