import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startDependencies, type Dependencies, type Role } from './dependencies.js';
import { localHaproxyConfig, serverStates, startHaproxy, type RunningHaproxy } from './haproxy.js';
import { repoRoot } from './platform.js';
import { apiClient, atExit, createAdmin, freePort, run, waitFor, type Proc } from '@onda/testing';

const onda = path.join(repoRoot, 'apps/onda/dist/main.js');

/**
 * Onda scaled out on one machine, no containers: HAProxy (infra/haproxy/haproxy.cfg as shipped) in front
 * of 2 API nodes and 2 ingest nodes, 2 workers, PostgreSQL, Redis and s3rver; every role its own process
 * group, so any of them can be SIGKILLed (with its ffmpeg) or SIGTERMed (drain) like a real node.
 */
export interface Cluster {
  /** Public side of the balancer: HTTP (API, media, chat) and RTMP. */
  url: string;
  rtmpUrl: string;
  /** Each API node directly (behind the balancer), in node order. */
  apiUrls: string[];
  token: string;
  env: Record<string, string>;
  lb: RunningHaproxy;
  nodes: Map<string, Proc>;
  databaseUrl: string;
  /** With `{ faults: true }`: a private Redis and a fault proxy per role in front of each dependency. */
  deps: Dependencies | null;
  /** Stops / restarts the cluster's own s3rver (objects survive, as on a real store). */
  stopS3(): Promise<void>;
  startS3(): Promise<void>;
  /** RTMP port of an ingest node by name. */
  rtmpPort(name: string): number;
  api<T>(p: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** (Re)starts a node by name: api-1, api-2, ingest-1, ingest-2, worker-N. */
  start(name: string): Promise<Proc>;
  states(backend: 'api' | 'ingest'): Promise<Record<string, string>>;
  logs(): string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Route every role to PostgreSQL, Redis (a private one) and S3 through its own fault proxies. */
  faults?: boolean;
}

export async function startCluster(extraEnv: Record<string, string> = {}, opts: ClusterOptions = {}): Promise<Cluster> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const dbName = `onda_cluster_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-cluster-'));
  const unregister = atExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = async (): Promise<number> => freePort();
  const ports = {
    api: [await port(), await port()], rtmp: [await port(), await port()], ingestOps: [await port(), await port()],
    http: await port(), internal: await port(), lbRtmp: await port(), stats: await port(), s3: await port(),
  };
  const s3Endpoint = `http://127.0.0.1:${ports.s3}`;
  let s3: Proc | null = null;
  const startS3 = async (): Promise<void> => {
    s3 = run('s3rver', 'node', [path.join(repoRoot, 'infra/s3rver/run.mjs'), '--port', String(ports.s3), '--dir', path.join(dataDir, 's3'), '--bucket', 'onda-cluster']);
    await waitFor('s3rver', async () => (await fetch(`${s3Endpoint}/`).catch(() => null)) !== null, 20_000, 100);
  };
  await startS3();
  const deps = opts.faults ? await startDependencies({ databaseUrl, s3Port: ports.s3 }) : null;
  const url = `http://127.0.0.1:${ports.http}`;
  const rtmpUrl = `rtmp://127.0.0.1:${ports.lbRtmp}/live`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl, REDIS_URL: deps ? `redis://127.0.0.1:${deps.redisPort}` : (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), QUEUE_PREFIX: `onda-cluster-${randomBytes(4).toString('hex')}`,
    S3_ENDPOINT: s3Endpoint, S3_BUCKET: 'onda-cluster', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true',
    ONDA_INTERNAL_TOKEN: randomBytes(24).toString('base64url'), ONDA_SECRET: randomBytes(32).toString('base64url'),
    PUBLIC_URL: url, RTMP_PUBLIC_URL: rtmpUrl, API_URL: `http://127.0.0.1:${ports.internal}`, DATA_DIR: dataDir,
    // A dead worker's broadcasts move in seconds, not a minute (see QUEUE_LOCK_DURATION_MS in the README).
    QUEUE_LOCK_DURATION_MS: '5000', QUEUE_STALLED_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '2',
    INGEST_DRAIN_SECONDS: '3', API_DRAIN_SECONDS: '1', CHAT_MAX_CONNECTIONS_PER_IP: '100000', LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const nodeEnv = (name: string): Record<string, string> => {
    const [role, n] = name.split('-') as [string, string];
    const i = Number(n) - 1;
    const through = deps?.roleEnv(role as Role) ?? {};
    if (role === 'api') return { ...through, API_PORT: String(ports.api[i]) };
    if (role === 'ingest') return { ...through, RTMP_PORT: String(ports.rtmp[i]), METRICS_PORT: String(ports.ingestOps[i]), INGEST_ID: name };
    return { ...through, METRICS_PORT: '0' };
  };
  const nodes = new Map<string, Proc>();
  const start = async (name: string): Promise<Proc> => {
    const role = name.split('-')[0]!;
    const proc = run(name, 'node', [onda, role], { ...env, ...nodeEnv(name) });
    nodes.set(name, proc);
    const ready = role === 'api' ? /Onda API listening/ : role === 'ingest' ? /listening for RTMP/ : /waiting for jobs/;
    await waitFor(`${name} to start`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`${name} exited:\n${proc.output().slice(-3000)}`);
      return ready.test(proc.output());
    }, 90_000, 100);
    return proc;
  };
  // A port picked free can be taken (an outgoing connection's ephemeral port) before HAProxy binds it: set-up, not
  // the behaviour under test, so a bind failure is retried with a fresh stats port (the one nothing else names).
  let lb: RunningHaproxy | null = null;
  for (let attempt = 1; !lb; attempt++) {
    try {
      lb = await startHaproxy(localHaproxyConfig({
        api: ports.api, ingest: ports.rtmp.map((r, i) => ({ rtmp: r, health: ports.ingestOps[i]! })),
        http: ports.http, internal: ports.internal, rtmp: ports.lbRtmp, stats: ports.stats, checkInterMs: 500,
      }));
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
      ports.stats = await port();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  // The first API node applies the migrations; the others find them applied.
  await start('api-1');
  await Promise.all(['api-2', 'ingest-1', 'ingest-2', 'worker-1', 'worker-2'].map(start));
  const states = (backend: 'api' | 'ingest') => serverStates(lb, backend);
  await waitFor('every node UP in HAProxy', async () => {
    const all = [...Object.values(await states('api')), ...Object.values(await states('ingest'))];
    return all.length === 4 && all.every((s) => s === 'UP');
  }, 30_000, 250);
  const token = await createAdmin({ entry: onda, env, email: 'cluster@example.com' });
  const api = apiClient({ apiUrl: url, token });
  return {
    url, rtmpUrl, apiUrls: ports.api.map((p) => `http://127.0.0.1:${p}`), token, env, lb, nodes, databaseUrl, api, start, states, deps, startS3,
    async stopS3() {
      await s3?.stop(5000);
      s3 = null;
    },
    rtmpPort: (name) => ports.rtmp[Number(name.split('-')[1]) - 1]!,
    logs: () => [...nodes].map(([n, p]) => `--- ${n} ---\n${p.output().slice(-20_000)}`).join('\n'),
    async stop() {
      await Promise.all([...nodes.values()].filter((p) => !p.name.startsWith('api')).map((p) => p.stop()));
      await Promise.all([...nodes.values()].filter((p) => p.name.startsWith('api')).map((p) => p.stop()));
      await lb.stop();
      await s3?.stop();
      await deps?.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true, force: true });
      unregister();
    },
  };
}
