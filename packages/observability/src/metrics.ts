import { createHmac, randomBytes } from 'node:crypto';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricOnce } from './registry.js';

// Every metric Onda defines, per role. Names are unique across roles so that one registry can hold
// all of them when every role runs in one process (`onda all`). Per-second rates are PromQL's job:
// `rate(onda_chat_messages_in_total[1m])`.

/** Label values from open sets (rule names, route templates) are cut to this shape so a bug cannot explode cardinality. */
const LABEL = /^[A-Za-z0-9_.:/*{}()-]{1,80}$/;
const label = (v: string, fallback = 'other'): string => (LABEL.test(v) ? v : fallback);

// --- API: HTTP ---------------------------------------------------------------------------------

/** HTTP latency of the API by method, route template (never the raw path) and status. */
export interface HttpMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function httpMetrics(registry: Registry): HttpMetrics {
  const histogram = metricOnce(registry, 'onda_http_request_duration_seconds', () => new Histogram({
    name: 'onda_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }));
  return {
    observe(method, route, status, seconds) {
      histogram.observe({ method: label(method.toUpperCase()), route: label(route, '(other)'), status: String(status) }, seconds);
    },
  };
}

// --- API: live sessions ----------------------------------------------------------------------------

/** Live sessions per state as the database sees them (all ingests and workers together). */
export function liveSessionMetrics(registry: Registry, counts: () => Promise<Record<string, number>>): void {
  metricOnce(registry, 'onda_live_sessions', () => new Gauge({
    name: 'onda_live_sessions',
    help: 'Live sessions that are not over, by state (starting, live, reconnecting)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      // A failing database must not fail the whole scrape: the series keeps its last value and /readyz says why.
      const byState = await counts().catch(() => null);
      if (!byState) return;
      for (const state of ['starting', 'live', 'reconnecting']) this.set({ state }, byState[state] ?? 0);
    },
  }));
}

// --- Queue -------------------------------------------------------------------------------------------

/** Jobs per queue and state, read from the queue at scrape time. */
export function queueDepthMetrics(registry: Registry, queue: { counts(name: string): Promise<{ waiting: number; active: number; failed: number }> }, names: readonly string[]): void {
  metricOnce(registry, 'onda_queue_jobs', () => new Gauge({
    name: 'onda_queue_jobs',
    help: 'Jobs per queue and state (waiting includes delayed retries)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(names.map(async (name) => {
        const c = await queue.counts(name).catch(() => null);
        if (!c) return;
        this.set({ queue: name, state: 'waiting' }, c.waiting);
        this.set({ queue: name, state: 'active' }, c.active);
        this.set({ queue: name, state: 'failed' }, c.failed);
      }));
    },
  }));
}

/** Job handler runs on this process; fits packages/queue's JobObserver. */
export interface JobMetrics {
  started(name: string): void;
  finished(name: string, outcome: 'completed' | 'failed', seconds: number): void;
}

export function jobMetrics(registry: Registry): JobMetrics {
  const running = metricOnce(registry, 'onda_jobs_running', () => new Gauge({
    name: 'onda_jobs_running', help: 'Job handlers running in this process, per queue', labelNames: ['queue'] as const, registers: [registry],
  }));
  const duration = metricOnce(registry, 'onda_job_duration_seconds', () => new Histogram({
    name: 'onda_job_duration_seconds',
    help: 'Job handler run time per queue and outcome (a live job lasts the whole broadcast)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200],
    registers: [registry],
  }));
  return {
    started(name) {
      running.inc({ queue: label(name) });
    },
    finished(name, outcome, seconds) {
      running.dec({ queue: label(name) });
      duration.observe({ queue: label(name), outcome }, seconds);
    },
  };
}

// --- Per-broadcast series ---------------------------------------------------------------------------------

const BROADCAST_KEY = randomBytes(32);

/**
 * The `broadcast` label of a live session's series: an opaque 12-hex id, stable for this process, from which
 * the session id (and so a private channel's broadcast) cannot be recovered by whoever reads /metrics
 * (security issue #12, finding 14). The worker and ingest log it next to the session id for operators.
 */
export function broadcastLabel(liveSessionId: string): string {
  return createHmac('sha256', BROADCAST_KEY).update(liveSessionId).digest('hex').slice(0, 12);
}

// --- Worker: live transcodes ---------------------------------------------------------------------------

/** One ingest health sample of a live session (the worker's view; see apps/worker/src/ingest-health.ts). */
export interface LiveHealthSample {
  bitrateKbps: number | null;
  fps: number | null;
  speed: number | null;
  keyframeIntervalSeconds: number | null;
  /** Frames dropped since the previous sample. */
  droppedFrames: number;
}

/** Live broadcasts on this worker and their health gauges, labelled by `broadcastLabel` while they run. */
export interface LiveTranscodeMetrics {
  sessionStarted(): void;
  /** Ends the session's count and removes its per-session series. */
  sessionEnded(liveSessionId: string): void;
  sample(liveSessionId: string, s: LiveHealthSample): void;
  /** The broadcast moved to overload step `level` (0 = full ladder): `shed`, `restore`, or `start` (planned lighter). */
  overloadStep(liveSessionId: string, level: number, action: 'shed' | 'restore' | 'start'): void;
}

export function liveTranscodeMetrics(registry: Registry): LiveTranscodeMetrics {
  const gauge = (name: string, help: string, labelNames: readonly string[] = ['broadcast']) =>
    metricOnce(registry, name, () => new Gauge({ name, help, labelNames, registers: [registry] }));
  const sessions = gauge('onda_worker_live_sessions', 'Live broadcasts this worker is transcoding', []);
  const bitrate = gauge('onda_live_source_bitrate_kbps', 'Bitrate of the encoder\'s stream as the worker measures it (kbit/s)');
  const fps = gauge('onda_live_transcode_fps', 'Frames per second the live ffmpeg encodes');
  const speed = gauge('onda_live_transcode_speed', 'Live ffmpeg speed (1 = real time; below 1 it falls behind)');
  const keyframes = gauge('onda_live_source_keyframe_interval_seconds', 'Keyframe interval of the encoder\'s stream (seconds)');
  const dropped = metricOnce(registry, 'onda_live_dropped_frames_total', () => new Counter({
    name: 'onda_live_dropped_frames_total', help: 'Frames the live ffmpeg dropped', labelNames: ['broadcast'] as const, registers: [registry],
  }));
  const shedLevel = gauge('onda_live_shed_level', 'Overload step of the live ladder (0 = as planned; higher = lighter, see README)');
  const steps = metricOnce(registry, 'onda_live_overload_steps_total', () => new Counter({
    name: 'onda_live_overload_steps_total', help: 'Live ladders made lighter (shed, start) or restored because of CPU', labelNames: ['action'] as const, registers: [registry],
  }));
  const perSession = [bitrate, fps, speed, keyframes, shedLevel];
  return {
    sessionStarted: () => sessions.inc(),
    sessionEnded(id) {
      sessions.dec();
      const l = { broadcast: broadcastLabel(id) };
      for (const g of perSession) g.remove(l);
      dropped.remove(l);
    },
    sample(id, s) {
      const l = { broadcast: broadcastLabel(id) };
      const set = (g: Gauge, v: number | null) => (v === null ? g.remove(l) : g.set(l, v));
      set(bitrate, s.bitrateKbps);
      set(fps, s.fps);
      set(speed, s.speed);
      set(keyframes, s.keyframeIntervalSeconds);
      dropped.inc(l, Math.max(0, s.droppedFrames));
    },
    overloadStep(id, level, action) {
      shedLevel.set({ broadcast: broadcastLabel(id) }, level);
      steps.inc({ action });
    },
  };
}

// --- Ingest ------------------------------------------------------------------------------------------

/** A publisher connected to this ingest, as the metrics read it. */
export interface PublisherStats {
  liveSessionId: string;
  /** Bytes received from the encoder so far. */
  bytesRead: number;
  /** When the publish began (ms since the epoch). */
  startedAt: number;
}

export interface IngestMetrics {
  /** One publish attempt: accepted, refused (bad key or name) or failed (the key check failed). */
  publish(result: 'accepted' | 'refused' | 'failed'): void;
}

/** Shortest window an ingest bitrate is averaged over: two scrapers a second apart do not halve it. */
const MIN_BITRATE_WINDOW_MS = 5_000;

/** Publishers and their bitrate (bytes received between scrapes), plus publish attempts. */
export function ingestMetrics(registry: Registry, publishers: () => PublisherStats[], now: () => number = Date.now): IngestMetrics {
  const attempts = metricOnce(registry, 'onda_ingest_publishes_total', () => new Counter({
    name: 'onda_ingest_publishes_total', help: 'RTMP publish attempts by result', labelNames: ['result'] as const, registers: [registry],
  }));
  metricOnce(registry, 'onda_ingest_publishers', () => new Gauge({
    name: 'onda_ingest_publishers', help: 'Encoders publishing to this ingest', registers: [registry],
    collect() {
      this.set(publishers().length);
    },
  }));
  const last = new Map<string, { bytes: number; at: number; kbps: number }>();
  metricOnce(registry, 'onda_ingest_bitrate_kbps', () => new Gauge({
    name: 'onda_ingest_bitrate_kbps',
    help: 'Bitrate each encoder sends to this ingest (kbit/s, RTMP bytes received, averaged since the previous scrape)',
    labelNames: ['broadcast'] as const,
    registers: [registry],
    collect() {
      const t = now();
      const seen = new Set<string>();
      for (const p of publishers()) {
        seen.add(p.liveSessionId);
        const prev = last.get(p.liveSessionId) ?? { bytes: 0, at: p.startedAt, kbps: 0 };
        const ms = t - prev.at;
        const next = ms >= MIN_BITRATE_WINDOW_MS || !last.has(p.liveSessionId)
          ? { bytes: p.bytesRead, at: t, kbps: ms > 0 ? ((p.bytesRead - prev.bytes) * 8) / ms : 0 }
          : prev;
        last.set(p.liveSessionId, next);
        this.set({ broadcast: broadcastLabel(p.liveSessionId) }, Math.max(0, Math.round(next.kbps * 10) / 10));
      }
      for (const id of [...last.keys()]) {
        if (seen.has(id)) continue;
        last.delete(id);
        this.remove({ broadcast: broadcastLabel(id) });
      }
    },
  }));
  return {
    publish: (result) => attempts.inc({ result }),
  };
}

// --- Chat ----------------------------------------------------------------------------------------------

/** What the chat gateway reports; counters, so dashboards show per-second rates with rate(). */
export interface ChatMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  /** A message a client sent (before moderation). */
  messageIn(): void;
  /** One frame written to a room on this node carrying `items` items to `viewers` sockets. */
  frameOut(items: number, viewers: number): void;
  /** A moderation rule matched a message; `action` is what happened to it (masked, held, dropped, ...). */
  filterHit(rule: string, action: string): void;
}

/** Chat metrics that count nothing (tests, or an API built without a registry). */
export const noopChatMetrics: ChatMetrics = {
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  messageIn: () => undefined,
  frameOut: () => undefined,
  filterHit: () => undefined,
};

export function chatMetrics(registry: Registry): ChatMetrics {
  const connections = metricOnce(registry, 'onda_chat_connections', () => new Gauge({
    name: 'onda_chat_connections', help: 'Chat sockets connected to this API node', registers: [registry],
  }));
  const counter = (name: string, help: string, labelNames: readonly string[] = []) =>
    metricOnce(registry, name, () => new Counter({ name, help, labelNames, registers: [registry] }));
  const messagesIn = counter('onda_chat_messages_in_total', 'Chat messages received from clients on this node');
  const messagesOut = counter('onda_chat_messages_out_total', 'Chat items written to sockets on this node (items per frame x viewers)');
  const frames = counter('onda_chat_frames_out_total', 'Chat frames emitted to rooms on this node');
  const hits = counter('onda_chat_filter_hits_total', 'Chat messages matched by a moderation rule, by rule and action', ['rule', 'action']);
  return {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    messageIn: () => messagesIn.inc(),
    frameOut(items, viewers) {
      frames.inc();
      if (items > 0 && viewers > 0) messagesOut.inc(items * viewers);
    },
    filterHit: (rule, action) => hits.inc({ rule: label(rule), action: label(action) }),
  };
}
