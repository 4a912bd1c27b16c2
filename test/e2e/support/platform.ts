import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createAdmin as ondaCreateAdmin, freePort, killGroup, run, waitFor, type Proc } from '@onda/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const onda = path.join(root, 'apps/onda/dist/main.js');

export interface Platform {
  mode: 'embedded' | 'scale-out';
  apiUrl: string;
  rtmpUrl: string;
  token: string;
  env: Record<string, string>;
  processes: Record<string, Proc>;
  logs(): string;
  stop(): Promise<void>;
  /** Scale-out only: SIGKILLs the worker process and its process group (its ffmpeg dies with it), as a crash would. */
  killWorker?(): Promise<void>;
  /** Scale-out only: starts a new worker process (after killWorker) and waits until it consumes jobs. */
  startWorker?(): Promise<void>;
}

export interface ScaleOutOptions {
  /** Extra environment of every role, e.g. QUEUE_LOCK_DURATION_MS for quick retries of a dead worker's jobs (embedded: of its one process). */
  env?: Record<string, string>;
}

/** The admin every launcher creates; the password lets browser tests sign in to the console. */
export const E2E_ADMIN = { email: 'e2e@example.com', password: 'e2e console passphrase' } as const;

const createAdmin = (env: Record<string, string>): Promise<string> => ondaCreateAdmin({ entry: onda, env, email: E2E_ADMIN.email, password: E2E_ADMIN.password });

/** Makes the launcher's admin (E2E_ADMIN) an operator, as `onda create-admin --operator` does on a real installation. */
export async function promoteToOperator(platform: Platform): Promise<void> {
  const cli = run('create-admin', 'node', [onda, 'create-admin', '--email', E2E_ADMIN.email, '--operator'], platform.env);
  if ((await cli.exited) !== 0) throw new Error(`create-admin --operator failed:\n${cli.output()}`);
}

async function ready(apiUrl: string, procs: Proc[]): Promise<void> {
  await waitFor(
    'the API to be ready',
    async () => {
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`a process exited early:\n${p.output()}`);
      const res = await fetch(`${apiUrl}/readyz`);
      return res.ok;
    },
    90_000,
    250,
  );
}

/**
 * Embedded mode exactly as `npm start` runs it: one process, its own PostgreSQL, local disk, in-process queue.
 * `env` adds to its environment (e.g. WORKER_LIVE_CAPACITY, OUTBOUND_ALLOW_PRIVATE for a webhook receiver on loopback).
 */
export async function startEmbedded(options: ScaleOutOptions = {}): Promise<Platform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-e2e-embedded-'));
  const [apiPort, rtmpPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = { DATA_DIR: dataDir, API_PORT: String(apiPort), RTMP_PORT: String(rtmpPort), PUBLIC_URL: apiUrl, RTMP_PUBLIC_URL: `rtmp://127.0.0.1:${rtmpPort}/live`, DATABASE_URL: '', REDIS_URL: '', S3_BUCKET: '', ...options.env };
  const all = run('onda', 'node', [onda, 'all'], env);
  await ready(apiUrl, [all]);
  const token = await createAdmin(env);
  return {
    mode: 'embedded',
    apiUrl,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    token,
    env,
    processes: { all },
    logs: () => all.output(),
    async stop() {
      await all.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Scale-out: PostgreSQL, BullMQ on Redis and an S3-compatible server (s3rver), with the API, the ingest
 * and the worker each in its own process, talking only through the network.
 */
export async function startScaleOut(options: ScaleOutOptions = {}): Promise<Platform> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const dbName = `onda_e2e_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-e2e-scale-'));
  const [apiPort, rtmpPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // CI starts one S3-compatible server for the run (TEST_S3_ENDPOINT); otherwise the test starts its own.
  const shared = process.env.TEST_S3_ENDPOINT;
  const bucket = shared ? (process.env.TEST_S3_BUCKET ?? 'onda-ci') : 'onda-e2e';
  const s3 = shared
    ? null
    : run('s3rver', 'node', [path.join(root, 'infra/s3rver/run.mjs'), '--port', String(s3Port), '--dir', path.join(dataDir, 's3'), '--bucket', bucket]);
  const s3Endpoint = shared ?? `http://127.0.0.1:${s3Port}`;
  await waitFor('the S3-compatible server', async () => (await fetch(`${s3Endpoint}/`).catch(() => null)) !== null, 20_000);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // Each platform its own queue namespace: jobs left by an earlier run never reach this one.
    QUEUE_PREFIX: `onda-e2e-${randomBytes(4).toString('hex')}`,
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    ONDA_INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
    ONDA_SECRET: randomBytes(32).toString('base64url'),
    API_PORT: String(apiPort),
    API_URL: apiUrl,
    PUBLIC_URL: apiUrl,
    RTMP_PORT: String(rtmpPort),
    RTMP_PUBLIC_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
    INGEST_PULL_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
    DATA_DIR: dataDir,
    ...options.env,
  };
  const api = run('api', 'node', [onda, 'api'], env);
  await ready(apiUrl, [api]);
  const ingest = run('ingest', 'node', [onda, 'ingest'], env);
  // Its own process group, so killWorker() takes its ffmpeg down with it.
  let worker = run('worker', 'node', [onda, 'worker'], env, { detached: true });
  await waitFor('ingest and worker to start', async () => {
    for (const p of [ingest, worker]) if (p.child.exitCode !== null) throw new Error(`exited early:\n${p.output()}`);
    return /listening for RTMP/.test(ingest.output()) && /waiting for jobs/.test(worker.output());
  }, 30_000);
  const token = await createAdmin(env);
  const processes: Record<string, Proc> = { api, ingest, worker, ...(s3 ? { s3 } : {}) };
  let workers = 1;
  return {
    mode: 'scale-out',
    apiUrl,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    token,
    env,
    processes,
    logs: () => Object.entries(processes).map(([n, p]) => `--- ${n} ---\n${p.output()}`).join('\n'),
    async killWorker() {
      await killGroup(worker);
    },
    async startWorker() {
      const next = run(`worker-${++workers}`, 'node', [onda, 'worker'], env, { detached: true });
      worker = next;
      // The dead worker's output stays in the logs under its own name.
      processes[`worker-${workers}`] = next;
      await waitFor('the new worker to start', async () => {
        if (next.child.exitCode !== null) throw new Error(`exited early:\n${next.output()}`);
        return /waiting for jobs/.test(next.output());
      }, 30_000);
    },
    async stop() {
      await Promise.all([worker.stop(), ingest.stop()]);
      await api.stop();
      await s3?.stop();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
