import { describeOverload, OverloadProbe, type OverloadSummary } from './live/overload-probe.js';
import { streamRows } from './live/long-rows.js';
import { ondaStream, watchStreams, type Stream, type StreamFigures } from './live/watch.js';
import type { Row } from './report.js';
import type { WindowLoad } from './support/machine.js';
import { obsSource, OBS_HEIGHT, type ObsSource } from './support/obs-source.js';
import { startPlatform } from './support/platform.js';
import { secs } from './support/stats.js';
import { worstMinuteAbove } from './support/timeline.js';

/** Issue #10's overload target: 1080p60 glass-to-glass within this of the same run's 1080p30 figure. */
export const SOAK_WITHIN_MS = 1000;

export interface SoakOptions {
  /** Minutes each case is watched (the issue's figure: 5). */
  minutes: number;
  /** Source height; 1080 is the reference, smaller ones are functional checks. */
  height: number;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = { minutes: 5, height: OBS_HEIGHT };

export type SoakCaseId = '30fps' | '60fps' | 'two-60fps';

export interface SoakCase {
  id: SoakCaseId;
  streams: StreamFigures[];
  overload: OverloadSummary;
  load: WindowLoad;
}

export interface SoakResult {
  options: SoakOptions;
  sources: Array<Omit<ObsSource, 'file'>>;
  cases: SoakCase[];
}

/**
 * One case on a fresh embedded platform (`onda all`, channel defaults: normal latency, recording on):
 * `count` broadcasts of the same source at once, each watched by its own Chromium page on this machine,
 * while the overload controller is sampled from live health, /metrics and the worker's log.
 */
async function runCase(id: SoakCaseId, source: ObsSource, count: number, o: SoakOptions, log: (line: string) => void): Promise<SoakCase> {
  const platform = await startPlatform();
  try {
    log(`soak ${id}: platform up at ${platform.apiUrl}`);
    const streams: Stream[] = [];
    for (let i = 0; i < count; i++) streams.push(await ondaStream(platform.api, platform.apiUrl, `soak-${id}-${i + 1}-${Date.now().toString(36)}`, source));
    const probe = new OverloadProbe({
      api: platform.api, metricsUrl: `${platform.apiUrl}/metrics`, workerLogs: () => platform.proc.output(),
      sessions: () => Promise.all(streams.map(async (s) => ({ stream: s.name, sessionId: await s.sessionId().catch(() => null) }))),
    });
    const watched = await watchStreams(streams, { seconds: o.minutes * 60, log, tick: () => probe.sample() });
    const overload = await probe.summary();
    log(`soak ${id}: ${describeOverload(overload)}; busy cores ${watched.load.busyCores}`);
    return { id, streams: watched.streams, overload, load: watched.load };
  } finally {
    await platform.stop();
  }
}

/**
 * The overload soak (issue #10, item 4): a 1080p30 broadcast for the reference, a 1080p60 one, then two
 * 1080p60 broadcasts at once, each watched in Chromium on the same machine for `minutes`, one case after
 * the other on a fresh platform.
 */
export async function benchSoak(log: (line: string) => void, options: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const o = { ...DEFAULT_SOAK_OPTIONS, ...options };
  // A little longer than the window, so the publisher never ends inside it.
  const seconds = o.minutes * 60 + 5;
  log(`soak: OBS-like ${o.height}p30 and ${o.height}p60 sources of ${seconds} s (made once into bench/out/cache)`);
  const s30 = obsSource(30, seconds, o.height);
  const s60 = obsSource(60, seconds, o.height);
  const cases = [await runCase('30fps', s30, 1, o, log), await runCase('60fps', s60, 1, o, log), await runCase('two-60fps', s60, 2, o, log)];
  return { options: o, sources: [s30, s60].map(({ file: _file, ...s }) => s), cases };
}

/** Seconds, or '-' for a figure there was nothing to compute from (too few readings). */
const fin = (ms: number): string => (Number.isFinite(ms) ? `${secs(ms)} s` : '-');

/** Rows: each broadcast's figures; 1080p60 against the 1080p30 reference; both of two bounded; overload. */
export function soakRows(r: SoakResult): Row[] {
  const bench = 'overload soak';
  const h = r.options.height;
  const reference = r.cases.find((c) => c.id === '30fps')?.streams[0];
  const rows: Row[] = [];
  const label: Record<SoakCaseId, string> = { '30fps': `${h}p30 alone`, '60fps': `${h}p60 alone`, 'two-60fps': `two ${h}p60 at once` };
  for (const c of r.cases) {
    for (const [i, f] of c.streams.entries()) {
      const what = `${label[c.id]}${c.streams.length > 1 ? `, broadcast ${i + 1}` : ''}, ${r.options.minutes} min`;
      rows.push(...streamRows(bench, what, f));
      if (c.id === '30fps' || !reference) continue;
      // Within 1 s of the reference for every minute (target for one 1080p60); bounded for two at once:
      // no minute more than 1 s above its own first minute.
      const against = c.id === '60fps' ? reference.latency.median : (f.minutes[0]?.median ?? Number.NaN);
      const worst = worstMinuteAbove(f.minutes, against);
      rows.push({
        bench,
        metric: c.id === '60fps'
          ? `${what}: worst minute's median minus ${h}p30's median (${secs(reference.latency.median)} s)`
          : `${what}: worst minute's median minus its first minute's (bounded: no drift); vs ${h}p30's median`,
        value: `${fin(worst)}${c.id === '60fps' ? '' : `; overall ${fin(f.latency.median - reference.latency.median)}`}`,
        target: `<= ${secs(SOAK_WITHIN_MS)} s`,
        // A broadcast the viewer never saw is not bounded.
        ok: f.latency.n === 0 ? false : Number.isFinite(worst) ? worst <= SOAK_WITHIN_MS : null,
      });
    }
    rows.push({ bench, metric: `${label[c.id]}: overload controller (shed steps, admission); cores busy`, value: `${describeOverload(c.overload)}; busy cores ${c.load.busyCores}`, target: '', ok: null });
  }
  return rows;
}
