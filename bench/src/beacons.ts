import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveStats, VodStats } from '@onda/contracts';
import type { Row } from './report.js';
import { descendantsCpuUs, processCpuUs } from './support/chat-servers.js';
import { run, sleep, waitFor, type Proc } from '@onda/testing';

/**
 * Beacon ingestion: how many beacons/s one API process takes, sustained, with the aggregates exact afterwards.
 *
 * A load generator (this process) plays LIVE_PLAYBACKS + VOD_PLAYBACKS players round robin, one beacon per HTTP
 * request as a player sends it (half application/json, half text/plain like navigator.sendBeacon), CONNECTIONS x PIPELINE
 * requests in flight over CONNECTIONS keep-alive connections (PIPELINE each), and re-sends an earlier beacon every RETRY_EVERY requests (a
 * retry, which must count once). Two API processes take the same load in turn: Onda's batched writer (buffer,
 * then one multi-row statement per table about once a second) and the alternative, one transaction of the same
 * statements per beacon as it arrives; then Onda again with 10 beacons per request (a player flushing a queue, or a
 * collector in front of the API), which shows what the writer takes once HTTP costs less. After the load stops, the live and VOD statistics must match what was
 * acknowledged exactly (playbacks, unique viewers, watch time, retention); the drain time is how long that took.
 */
const LIVE_PLAYBACKS = 20_000;
const VOD_PLAYBACKS = 5_000;
const VIEWERS = 15_000;
const STRIDE = 7919;
const CONNECTIONS = 16;
const PIPELINE = 4;
const RETRY_EVERY = 50;
const WARMUP_MS = 3_000;
const MEASURE_MS = 20_000;
export const BEACONS_TARGET = 5_000;

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BeaconRun {
  mode: 'batched' | 'per-beacon';
  /** Beacons per HTTP request. */
  perRequest: number;
  /** Beacons acknowledged per second during the measured window. */
  beaconsPerSecond: number;
  requests: number;
  /** Median / p99 request latency in the measured window, ms. */
  latencyMsP50: number;
  latencyMsP99: number;
  /** Seconds from the last acknowledgement until the statistics matched. */
  drainSeconds: number;
  /** CPU-seconds of the API process and of its PostgreSQL per 1000 beacons. */
  apiCpuPer1000: number;
  dbCpuPer1000: number;
  verified: string;
}

export interface BeaconsResult {
  batched: BeaconRun;
  perBeacon: BeaconRun;
  /** Onda with 10 beacons per request (a player flushing its queue, or a collector in front of the API). */
  batchedTenPerRequest: BeaconRun;
}

interface Api {
  url: string;
  token: string;
  internalToken: string;
  proc: Proc;
}

async function startBeaconApi(mode: BeaconRun['mode']): Promise<Api> {
  const proc = run(`beacon-api-${mode}`, 'node', [path.join(here, 'support/beacon-api.js')], { BEACON_WRITE_MODE: mode });
  const ready = await waitFor('the beacon API to be ready', async () => {
    if (proc.child.exitCode !== null) throw new Error(`beacon API exited early:\n${proc.output().slice(-5000)}`);
    const m = /BEACON_API_READY (\{.*\})/.exec(proc.output());
    return m ? (JSON.parse(m[1]!) as { url: string; token: string; internalToken: string }) : null;
  }, 120_000, 200);
  return { ...ready, proc };
}

async function call<T>(api: Api, method: string, p: string, body?: unknown, token = api.token): Promise<T> {
  const res = await fetch(`${api.url}${p}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A channel with a live session (through the internal ingest API, as a publisher would open it) and an uploaded VOD. */
async function targets(api: Api): Promise<{ liveSessionId: string; vodId: string }> {
  await call(api, 'POST', '/v1/channels', { slug: 'bench-beacons', title: 'Beacon bench' });
  const { streamKey } = await call<{ streamKey: string }>(api, 'GET', '/v1/channels/bench-beacons/stream-key');
  const { sessionId } = await call<{ sessionId: string }>(api, 'POST', '/internal/ingest/authorize', { streamKey, clientIp: '127.0.0.1', ingestId: 'bench' }, api.internalToken);
  const ticket = await call<{ vod: { id: string } }>(api, 'POST', '/v1/vods/uploads', { channel: 'bench-beacons', title: 'Beacon bench VOD', direct: false });
  return { liveSessionId: sessionId, vodId: ticket.vod.id };
}

/**
 * A lean HTTP/1.1 client for the load: keep-alive connections with up to PIPELINE requests in flight each, requests
 * written as prepared bytes and answers parsed just enough for their status (Express answers pipelined requests in
 * order). A generic client costs about as much CPU per request as the server, and both share this machine's cores.
 */
class PipelinedConnection {
  private readonly socket: net.Socket;
  private readonly waiting: Array<{ resolve: (status: number) => void; reject: (e: Error) => void }> = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failed: Error | null = null;

  constructor(private readonly url: URL) {
    this.socket = net.connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (e: Error): void => {
      this.failed = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  post(body: string, type: string): Promise<number> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(`POST ${this.url.pathname} HTTP/1.1\r\nHost: ${this.url.host}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.waiting.shift()?.resolve(Number(head.slice(9, 12)));
    }
  }
}

/** Every player's playback ticket, as each player gets one when it starts (a few requests in flight; before the clock runs). */
async function playbackTickets(api: Api, target: { liveSessionId: string; vodId: string }, players: number): Promise<string[]> {
  const tickets: string[] = new Array<string>(players);
  let next = 0;
  const fetcher = async (): Promise<void> => {
    for (let p = next++; p < players; p = next++) {
      const live = p < LIVE_PLAYBACKS;
      const body = { playbackId: `bench-playback-${p}`, viewerId: `bench-viewer-${p % VIEWERS}`, ...(live ? { liveSessionId: target.liveSessionId } : { vodId: target.vodId }) };
      // Anonymously, as a viewer's player asks (an account's requests would run into its per-token limit).
      const res = await fetch(`${api.url}/v1/beacons/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`POST /v1/beacons/tickets: HTTP ${res.status} ${await res.text()}`);
      tickets[p] = ((await res.json()) as { ticket: string }).ticket;
    }
  };
  await Promise.all(Array.from({ length: 16 }, fetcher));
  return tickets;
}

async function benchMode(mode: BeaconRun['mode'], perRequest: number, log: (line: string) => void): Promise<BeaconRun> {
  const api = await startBeaconApi(mode);
  try {
    const { liveSessionId, vodId } = await targets(api);
    const url = new URL('/v1/beacons', api.url);
    const connections = Array.from({ length: CONNECTIONS }, () => new PipelinedConnection(url));
    const players = LIVE_PLAYBACKS + VOD_PLAYBACKS;
    const tickets = await playbackTickets(api, { liveSessionId, vodId }, players);
    // What the server acknowledged: per playback, the set of seqs (a retry of an acknowledged seq adds nothing).
    const acked = new Map<number, Set<number>>();
    let next = 0;
    let requests = 0;
    let inWindow = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const windowStart = started + WARMUP_MS;
    const end = windowStart + MEASURE_MS;
    let lastAck = 0;
    const cpu0 = { api: 0, db: 0 };

    const beaconOf = (p: number, seq: number): string => {
      const live = p < LIVE_PLAYBACKS;
      const events = seq === 0 ? [{ type: 'start', startupMs: 400 + (p % 1000) }] : [];
      return JSON.stringify({
        playbackId: `bench-playback-${p}`, viewerId: `bench-viewer-${p % VIEWERS}`, seq, watchedSeconds: 10, events,
        rendition: p % 2 ? '720p' : '480p', ticket: tickets[p],
        ...(live ? { liveSessionId, position: seq * 10 } : { vodId, position: seq * 10 + 10, played: [[seq * 10, seq * 10 + 10]] }),
      });
    };

    const worker = async (n: number): Promise<void> => {
      const connection = connections[n % CONNECTIONS]!;
      while (performance.now() < end) {
        const batch: Array<{ p: number; seq: number; body: string }> = [];
        for (let i = 0; i < perRequest; i++) {
          const k = next++;
          const retry = k % RETRY_EVERY === RETRY_EVERY - 1 && k > players;
          // A stride coprime to the number of players visits every one of them in each round, live and VOD mixed.
          const p = (k * STRIDE) % players;
          const seq = Math.floor(k / players) - (retry ? 1 : 0);
          batch.push({ p, seq, body: beaconOf(p, seq) });
        }
        const body = perRequest === 1 ? batch[0]!.body : `{"beacons":[${batch.map((b) => b.body).join(',')}]}`;
        const t0 = performance.now();
        const status = await connection.post(body, requests % 2 ? 'text/plain;charset=UTF-8' : 'application/json');
        const t1 = performance.now();
        if (status !== 202) throw new Error(`POST /v1/beacons: HTTP ${status}`);
        requests++;
        for (const { p, seq } of batch) {
          let seqs = acked.get(p);
          if (!seqs) acked.set(p, (seqs = new Set()));
          seqs.add(seq);
        }
        lastAck = t1;
        if (t0 >= windowStart && t1 <= end) {
          inWindow += perRequest;
          latencies.push(t1 - t0);
        }
      }
    };
    const cpuTimer = setTimeout(() => {
      cpu0.api = processCpuUs(api.proc.child.pid!);
      cpu0.db = descendantsCpuUs(api.proc.child.pid!);
    }, WARMUP_MS);
    await Promise.all(Array.from({ length: CONNECTIONS * PIPELINE }, (_, n) => worker(n)));
    clearTimeout(cpuTimer);
    const cpu1 = { api: processCpuUs(api.proc.child.pid!), db: descendantsCpuUs(api.proc.child.pid!) };
    for (const c of connections) c.close();
    const perSecond = inWindow / (MEASURE_MS / 1000);
    log(`beacons ${mode}, ${perRequest} per request: ${perSecond.toFixed(0)} beacons/s over ${MEASURE_MS / 1000} s (${requests} requests in all); verifying`);

    // Expected aggregates from what was acknowledged.
    let liveBeacons = 0;
    let vodBeacons = 0;
    const liveViewers = new Set<number>();
    const vodViewers = new Set<number>();
    for (const [p, seqs] of acked) {
      if (p < LIVE_PLAYBACKS) {
        liveBeacons += seqs.size;
        liveViewers.add(p % VIEWERS);
      } else {
        vodBeacons += seqs.size;
        vodViewers.add(p % VIEWERS);
      }
    }
    const livePlaybacks = [...acked.keys()].filter((p) => p < LIVE_PLAYBACKS).length;
    const vodPlaybacks = acked.size - livePlaybacks;
    const matches = async (): Promise<string | null> => {
      const live = await call<LiveStats>(api, 'GET', `/v1/live-sessions/${liveSessionId}/stats`);
      const vod = await call<VodStats>(api, 'GET', `/v1/vods/${vodId}/stats`);
      const retained = vod.retention.reduce((s, b) => s + b.sessions, 0);
      const ok =
        live.qoe.playbacks === livePlaybacks && live.uniqueViewers === liveViewers.size && Math.abs(live.watchSeconds - liveBeacons * 10) < 0.5 &&
        vod.views === vodPlaybacks && vod.uniqueViewers === vodViewers.size && Math.abs(vod.watchSeconds - vodBeacons * 10) < 0.5 && retained === vodBeacons;
      return ok ? `live: ${livePlaybacks} playbacks, ${liveViewers.size} viewers, ${liveBeacons * 10} s watched; VOD: ${vodPlaybacks} views, ${retained} bucket-sessions` : null;
    };
    const verified = await waitFor(`the ${mode} statistics to match what was acknowledged`, matches, 120_000, 250).catch(async (e: unknown) => {
      const live = await call<LiveStats>(api, 'GET', `/v1/live-sessions/${liveSessionId}/stats`);
      const vod = await call<VodStats>(api, 'GET', `/v1/vods/${vodId}/stats`);
      const retained = vod.retention.reduce((sum, b) => sum + b.sessions, 0);
      throw new Error(
        `${(e as Error).message}: expected live ${livePlaybacks} playbacks / ${liveViewers.size} viewers / ${liveBeacons * 10} s, got ${live.qoe.playbacks} / ${live.uniqueViewers} / ${live.watchSeconds} s; ` +
          `expected VOD ${vodPlaybacks} views / ${vodViewers.size} viewers / ${vodBeacons * 10} s / ${vodBeacons} bucket-sessions, got ${vod.views} / ${vod.uniqueViewers} / ${vod.watchSeconds} s / ${retained}`,
      );
    });
    const drainSeconds = (performance.now() - lastAck) / 1000;
    const beacons = inWindow;
    return {
      mode,
      perRequest,
      beaconsPerSecond: Math.round(perSecond),
      requests,
      latencyMsP50: quantile(latencies, 0.5),
      latencyMsP99: quantile(latencies, 0.99),
      drainSeconds: Math.round(drainSeconds * 100) / 100,
      apiCpuPer1000: ((cpu1.api - cpu0.api) / 1e6 / beacons) * 1000,
      dbCpuPer1000: ((cpu1.db - cpu0.db) / 1e6 / beacons) * 1000,
      verified,
    };
  } finally {
    await api.proc.stop(20_000);
  }
}

function quantile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))]! * 10) / 10;
}

/** Both writers under the same load, one after the other. */
export async function benchBeacons(log: (line: string) => void): Promise<BeaconsResult> {
  const batched = await benchMode('batched', 1, log);
  await sleep(2000);
  const perBeacon = await benchMode('per-beacon', 1, log);
  await sleep(2000);
  const batchedTenPerRequest = await benchMode('batched', 10, log);
  return { batched, perBeacon, batchedTenPerRequest };
}

export function beaconRows(r: BeaconsResult): Row[] {
  const row = (metric: string, value: string, target = '', ok: boolean | null = null): Row => ({ bench: 'beacon ingest', metric, value, target, ok });
  const describe = (x: BeaconRun) =>
    `${x.beaconsPerSecond.toLocaleString('en-US')} beacons/s (p50 ${x.latencyMsP50} ms, p99 ${x.latencyMsP99} ms; CPU-s per 1000: API ${x.apiCpuPer1000.toFixed(2)}, PostgreSQL ${x.dbCpuPer1000.toFixed(2)})`;
  return [
    row('Onda: buffered, one multi-row statement per table per second, 1 beacon per request', describe(r.batched), `>= ${BEACONS_TARGET.toLocaleString('en-US')}/s`, r.batched.beaconsPerSecond >= BEACONS_TARGET),
    row('Onda: aggregates exact after the run (drain time)', `${r.batched.verified} (${r.batched.drainSeconds} s)`),
    row('alternative: one transaction per beacon, same statements', describe(r.perBeacon)),
    row('alternative: aggregates exact after the run (drain time)', `${r.perBeacon.verified} (${r.perBeacon.drainSeconds} s)`),
    row('Onda / alternative', `x${(r.batched.beaconsPerSecond / r.perBeacon.beaconsPerSecond).toFixed(2)}`),
    row('Onda, 10 beacons per request', describe(r.batchedTenPerRequest), `>= ${BEACONS_TARGET.toLocaleString('en-US')}/s`, r.batchedTenPerRequest.beaconsPerSecond >= BEACONS_TARGET),
    row('Onda, 10 per request: aggregates exact after the run (drain time)', `${r.batchedTenPerRequest.verified} (${r.batchedTenPerRequest.drainSeconds} s)`),
  ];
}
