import type { ApiCall } from '@onda/testing';

/** One overload step or admission decision the worker logged. */
export interface OverloadEvent {
  /** Epoch ms from the log line (`time`), when it has one. */
  at: number | null;
  kind: 'shed' | 'restore' | 'admitted' | 'declined';
  /** Overload step after a shed/restore (0 = full ladder). */
  level: number | null;
  reason: string | null;
  sessionId: string | null;
}

const MESSAGES: Array<[RegExp, OverloadEvent['kind']]> = [
  [/shedding load/, 'shed'],
  [/capacity is back: stepping up/, 'restore'],
  [/live job admitted/, 'admitted'],
  [/declining a live job/, 'declined'],
];

/**
 * The worker's overload steps and admission decisions in its log (pino JSON lines; the decision's own
 * `level` comes after pino's in the line, so JSON.parse keeps the step).
 */
export function overloadEvents(log: string): OverloadEvent[] {
  const events: OverloadEvent[] = [];
  for (const line of log.split('\n')) {
    const kind = MESSAGES.find(([re]) => re.test(line))?.[1];
    if (!kind) continue;
    let o: Record<string, unknown> = {};
    try {
      o = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
    } catch {
      // Not JSON (a pretty-printed line): the kind alone.
    }
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    events.push({
      at: typeof o.time === 'number' ? o.time : null,
      kind,
      level: kind === 'shed' || kind === 'restore' ? (typeof o.level === 'number' ? o.level : null) : null,
      reason: str(o.reason),
      sessionId: str(o.liveSessionId),
    });
  }
  return events;
}

/** The overload figures of a Prometheus scrape: steps counted by action, shed level and speed per broadcast. */
export interface OverloadMetrics {
  steps: Record<string, number>;
  shedLevels: number[];
  speeds: number[];
}

export function overloadMetrics(text: string): OverloadMetrics {
  const m: OverloadMetrics = { steps: {}, shedLevels: [], speeds: [] };
  for (const line of text.split('\n')) {
    const step = /^onda_live_overload_steps_total\{[^}]*action="(\w+)"[^}]*\}\s+([\d.eE+-]+)/.exec(line);
    if (step) m.steps[step[1]!] = (m.steps[step[1]!] ?? 0) + Number(step[2]);
    const level = /^onda_live_shed_level(?:\{[^}]*\})?\s+([\d.eE+-]+)/.exec(line);
    if (level) m.shedLevels.push(Number(level[1]));
    const speed = /^onda_live_transcode_speed(?:\{[^}]*\})?\s+([\d.eE+-]+)/.exec(line);
    if (speed) m.speeds.push(Number(speed[1]));
  }
  return m;
}

/** What the API's live health said about one broadcast at one moment. */
export interface HealthSample {
  at: number;
  stream: string;
  /** The overload step the session reports (0 when not degraded). */
  level: number;
  reason: string | null;
  renditions: string[];
}

/** Everything the overload controller was seen doing during a run, from the three places it shows. */
export interface OverloadSummary {
  /** Live health (GET /v1/live-sessions/:id) sampled every few seconds per broadcast. */
  health: HealthSample[];
  /** Highest step live health reported, per broadcast. */
  maxLevel: Record<string, number>;
  /** /metrics at the end of the run (embedded mode: every role's metrics on the API); null when not scraped. */
  metrics: OverloadMetrics | null;
  /** Lowest transcode speed /metrics showed during the run. */
  minSpeed: number | null;
  /** The worker's log lines for steps and admissions. */
  events: OverloadEvent[];
}

interface SessionDetail {
  renditions: string[];
  degraded: { level: number; reason: string } | null;
}

/**
 * Samples the overload controller while a run lasts: each broadcast's live health, the metrics endpoint
 * (when there is one the bench may scrape) and, at the end, the workers' logs.
 */
export class OverloadProbe {
  private readonly health: HealthSample[] = [];
  private minSpeed: number | null = null;

  constructor(private readonly o: { api: ApiCall; metricsUrl: string | null; workerLogs: () => string; sessions: () => Promise<Array<{ stream: string; sessionId: string | null }>> }) {}

  async sample(): Promise<void> {
    for (const { stream, sessionId } of await this.o.sessions()) {
      if (!sessionId) continue;
      const { status, body } = await this.o.api<SessionDetail>(`/v1/live-sessions/${sessionId}`);
      if (status !== 200) continue;
      this.health.push({ at: Date.now(), stream, level: body.degraded?.level ?? 0, reason: body.degraded?.reason ?? null, renditions: body.renditions });
    }
    const m = await this.scrape();
    for (const s of m?.speeds ?? []) this.minSpeed = Math.min(this.minSpeed ?? s, s);
  }

  private async scrape(): Promise<OverloadMetrics | null> {
    if (!this.o.metricsUrl) return null;
    const res = await fetch(this.o.metricsUrl).catch(() => null);
    return res?.ok ? overloadMetrics(await res.text()) : null;
  }

  async summary(): Promise<OverloadSummary> {
    const maxLevel: Record<string, number> = {};
    for (const h of this.health) maxLevel[h.stream] = Math.max(maxLevel[h.stream] ?? 0, h.level);
    return { health: this.health, maxLevel, metrics: await this.scrape(), minSpeed: this.minSpeed, events: overloadEvents(this.o.workerLogs()) };
  }
}

/** One line for a results table: steps and admissions seen, from the log, live health and /metrics. */
export function describeOverload(s: OverloadSummary): string {
  const count = (k: OverloadEvent['kind']): number => s.events.filter((e) => e.kind === k).length;
  const levels = s.events.filter((e) => e.kind === 'shed' || e.kind === 'restore').map((e) => `${e.kind} to ${e.level ?? '?'}`);
  const health = Object.entries(s.maxLevel).map(([stream, l]) => `${stream} ${l}`).join(', ');
  const metrics = s.metrics ? `; /metrics steps ${Object.entries(s.metrics.steps).map(([a, n]) => `${a} ${n}`).join(', ') || 'none'}${s.minSpeed === null ? '' : `, lowest speed ${s.minSpeed.toFixed(2)}`}` : '';
  return `worker log: ${count('shed')} shed, ${count('restore')} restore${levels.length ? ` (${levels.join(' → ')})` : ''}; admission: ${count('admitted')} admitted, ${count('declined')} declined; live health highest step: ${health || '-'}${metrics}`;
}
