import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAllConfig, loadIngestConfig, loadWorkerConfig } from '@onda/config';
import { createTestDatabase } from '@onda/db';
import { broadcastLabel, findSamples, parsePrometheusText, type ParsedMetrics } from '@onda/observability';
import { BullMqQueue } from '@onda/queue';
import { runAll, runIngest, runWorker, type Stoppable } from './roles.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const INTERNAL = 'internal-token-for-tests-0123456789';

/** Just enough of the internal API for an ingest and a worker: one good stream key, no live sessions for workers. */
class FakeApi {
  readonly sessionId = randomUUID();
  readonly calls: string[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    this.calls.push(`${req.method} ${req.url}`);
    const json = (status: number, value?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (req.url === '/healthz') return json(200, { status: 'ok' });
    if (req.url === '/internal/ingest/authorize') {
      return (JSON.parse(body) as { streamKey: string }).streamKey === 'good-key' ? json(200, { sessionId: this.sessionId, channelId: randomUUID() }) : json(403, {});
    }
    if (req.url === `/internal/ingest/sessions/${this.sessionId}`) return json(200, { id: this.sessionId, state: 'live', disconnect: false });
    if (req.url?.startsWith('/internal/ingest/sessions/')) return json(204);
    return json(404, { code: 'not_found' });
  }
}

/** ffmpeg publishing a test pattern to `url` for `seconds`; resolves with its exit code. */
function publish(url: string, seconds: number): { exited: Promise<number | null>; stop(): void } {
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-f', 'flv', url], { stdio: 'ignore' });
  return { exited: new Promise((resolve) => child.on('close', (code) => resolve(code))), stop: () => child.kill('SIGINT') };
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<ParsedMetrics> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

/** Polls until `cond` holds (each check is a real scrape or request); fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('roles on their own: /metrics, /healthz and /readyz', () => {
  let api: FakeApi;
  let dataDir: string;
  let running: Stoppable | null = null;
  beforeEach(async () => {
    api = new FakeApi();
    await api.start();
    dataDir = mkdtempSync(path.join(tmpdir(), 'onda-roles-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = null;
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    ONDA_INTERNAL_TOKEN: INTERNAL, API_URL: api.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', ...extra,
  });

  it('ingest: publishers, their bitrate and publish results; ready while the API answers', { timeout: 60_000 }, async () => {
    const ingest = await runIngest(loadIngestConfig(env({ RTMP_PORT: '0', RTMP_BIND: '127.0.0.1' })));
    running = ingest;
    const metricsUrl = ingest.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const refused = publish(`rtmp://127.0.0.1:${ingest.port}/live/wrong-key`, 5);
    expect(await refused.exited).not.toBe(0);
    const encoder = publish(`rtmp://127.0.0.1:${ingest.port}/live/good-key`, 30);
    try {
      await until('the publish to start', async () => api.calls.includes(`POST /internal/ingest/sessions/${api.sessionId}/started`));
      const parsed = await until('a bitrate', async () => {
        const p = await scrape(metricsUrl);
        return (findSamples(p, 'onda_ingest_bitrate_kbps', { broadcast: broadcastLabel(api.sessionId) })[0]?.value ?? 0) > 0 && p;
      });
      expect(findSamples(parsed, 'onda_ingest_publishers', { role: 'ingest' })[0]?.value).toBe(1);
      expect(findSamples(parsed, 'onda_ingest_publishes_total', { result: 'accepted' })[0]?.value).toBe(1);
      expect(findSamples(parsed, 'onda_ingest_publishes_total', { result: 'refused' })[0]?.value).toBe(1);
      expect(parsed.types.get('process_cpu_user_seconds_total')).toBe('counter');

      expect(await (await fetch(`${metricsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${metricsUrl}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { api: 'ok' } }]);
      await api.stop();
      const notReady = await fetch(`${metricsUrl}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ code: 'unavailable', errors: [{ path: 'api', message: 'unreachable' }] });
    } finally {
      encoder.stop();
      await encoder.exited;
    }
  });

  it('worker: job durations and queue depth through the queue observer; /metrics behind METRICS_TOKEN', { timeout: 60_000 }, async () => {
    const prefix = `onda-metrics-${randomBytes(4).toString('hex')}`;
    const producer = new BullMqQueue({ redisUrl: REDIS_URL, prefix });
    try {
      const worker = await runWorker(loadWorkerConfig(env({ REDIS_URL, QUEUE_PREFIX: prefix, METRICS_TOKEN: 'scrape-token-0123456789' })));
      running = worker;
      const metricsUrl = worker.metricsUrl!;
      const auth = { authorization: 'Bearer scrape-token-0123456789' };
      expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);

      // The fake API knows no such session: the job fails after one attempt.
      const sessionId = randomUUID();
      await producer.enqueue('live', {
        sessionId, channelId: randomUUID(), pullUrl: 'rtmp://127.0.0.1/live/x', profile: 'default', passthrough: false, segmentSeconds: 2,
        storagePrefix: `live/${sessionId}`, source: { width: 640, height: 360, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null },
      }, { attempts: 1 });
      const parsed = await until('the failed job in the metrics', async () => {
        const p = await scrape(metricsUrl, auth);
        return findSamples(p, 'onda_job_duration_seconds_count', { queue: 'live', outcome: 'failed' })[0]?.value === 1 && p;
      });
      expect(findSamples(parsed, 'onda_jobs_running', { queue: 'live' })[0]?.value).toBe(0);
      expect(findSamples(parsed, 'onda_worker_live_sessions', { role: 'worker' })[0]?.value).toBe(0);
      expect(api.calls).toContain(`GET /internal/worker/sessions/${sessionId}`);
      const depth = await until('the failed job in the queue depth', async () => {
        const p = await scrape(metricsUrl, auth);
        return findSamples(p, 'onda_queue_jobs', { queue: 'live', state: 'failed' })[0]?.value === 1 && p;
      });
      expect(findSamples(depth, 'onda_queue_jobs', { queue: 'vod-encode', state: 'waiting' })[0]?.value).toBe(0);

      const ready = await fetch(`${metricsUrl}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { api: 'ok', redis: 'ok', storage: 'ok' } }]);
    } finally {
      await running?.stop();
      running = null;
      await producer.obliterate();
      await producer.close();
    }
  });
});

describe('onda all', () => {
  it('serves every role\'s metrics from one registry at the API\'s /metrics', { timeout: 90_000 }, async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-all-'));
    const all = await runAll(loadAllConfig({
      DATABASE_URL: db.url, DATA_DIR: dataDir, API_HOST: '127.0.0.1', API_PORT: '0', RTMP_PORT: '0', RTMP_BIND: '127.0.0.1', LOG_LEVEL: 'silent',
      // Would be used by the ingest and worker on their own; in one process they must not start a server.
      METRICS_PORT: '1',
    }));
    try {
      await fetch(`${all.apiUrl}/v1/channels`);
      // The parser refuses a metric family declared twice.
      const parsed = await scrape(all.apiUrl);
      for (const name of ['onda_http_request_duration_seconds', 'onda_ingest_publishers', 'onda_worker_live_sessions', 'onda_queue_jobs', 'onda_live_sessions', 'onda_chat_connections']) {
        expect(parsed.types.has(name), name).toBe(true);
      }
      expect(findSamples(parsed, 'onda_ingest_publishers', { role: 'all' })[0]?.value).toBe(0);
      expect(findSamples(parsed, 'onda_queue_jobs', { queue: 'live', state: 'waiting', role: 'all' })).toHaveLength(1);
      expect(findSamples(parsed, 'process_cpu_user_seconds_total')).toHaveLength(1);
    } finally {
      await all.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
