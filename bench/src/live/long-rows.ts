import type { Row } from '../report.js';
import { secs } from '../support/stats.js';
import type { StreamFigures } from './watch.js';

export const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : '-');
const slope = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(0)} ms/min` : '-');

/** "m1 3.10/3.62 · m2 …": each minute's median / p90 in seconds, so drift shows at a glance. */
export function minuteLine(f: StreamFigures): string {
  return f.minutes.map((m) => `m${m.minute} ${m.n ? `${secs(m.median)}/${secs(m.p90)}` : '-'}`).join(' · ');
}

/** The rows every long run gives per watched broadcast: overall, per minute with the slope, stalls. */
export function streamRows(bench: string, what: string, f: StreamFigures, targets: { glassMs?: number; stallRatio?: number; playableMs?: number } = {}): Row[] {
  const rows: Row[] = [
    {
      bench,
      metric: `${what}: glass-to-glass median / p90 (n); first frame; publish-to-playable`,
      value: `${secs(f.latency.median)} / ${secs(f.latency.p90)} s (${f.latency.n}); first frame ${f.firstFrameMs === null ? '-' : `${secs(f.firstFrameMs)} s`}; playable ${f.publishToPlayableMs === null ? '-' : `${secs(f.publishToPlayableMs)} s`}`,
      target: [targets.glassMs === undefined ? '' : `median <= ${secs(targets.glassMs)} s`, targets.playableMs === undefined ? '' : `playable <= ${secs(targets.playableMs)} s`].filter(Boolean).join('; '),
      ok: targets.glassMs === undefined && targets.playableMs === undefined ? null
        : (targets.glassMs === undefined || f.latency.median <= targets.glassMs) && (targets.playableMs === undefined || (f.publishToPlayableMs !== null && f.publishToPlayableMs <= targets.playableMs)),
    },
    { bench, metric: `${what}: glass-to-glass per minute, median/p90 s; slope (after minute 1)`, value: `${minuteLine(f)}; slope ${slope(f.slopeMsPerMinute)} (${slope(f.steadySlopeMsPerMinute)})`, target: '', ok: null },
    {
      bench,
      metric: `${what}: stall ratio (stalls, s stalled / s watched)`,
      value: `${pct(f.stallRatio)} (${f.stalls}, ${secs(f.stallMs)} / ${secs(f.watchedMs)} s)`,
      target: targets.stallRatio === undefined ? '' : `<= ${pct(targets.stallRatio)}`,
      ok: targets.stallRatio === undefined ? null : f.stallRatio <= targets.stallRatio,
    },
  ];
  return rows;
}
