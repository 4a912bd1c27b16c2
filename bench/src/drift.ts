import { benchLlSoak, type LlSoakResult } from './ll-soak.js';
import { streamRows } from './live/long-rows.js';
import type { Row } from './report.js';
import { OBS_HEIGHT } from './support/obs-source.js';
import { secs } from './support/stats.js';

/**
 * "Flat" for issue #11's 30-minute run: the least-squares slope after the first minute (the player's start
 * and catch-up) within ±30 ms per minute, i.e. less than a second gained or lost over 30 minutes.
 */
export const DRIFT_SLOPE_TARGET_MS_PER_MIN = 30;
export const DEFAULT_DRIFT_MINUTES = 30;

/**
 * The drift run (opt-in, `--only drift`): one low-latency channel, embedded, watched in Chromium for
 * `minutes` (default 30), glass-to-glass per minute and the slope over the run. The low-latency soak's
 * case, run long.
 */
export function benchDrift(log: (line: string) => void, o: { minutes: number; height: number }): Promise<LlSoakResult> {
  return benchLlSoak(log, { minutes: o.minutes, height: o.height, modes: ['embedded'] });
}

export function driftRows(r: LlSoakResult): Row[] {
  const bench = 'low latency drift';
  const c = r.cases[0]!;
  const f = c.stream;
  const what = `LL ${r.options.height}p30, embedded, ${r.options.minutes} min`;
  const slope = f.steadySlopeMsPerMinute;
  const full = f.minutes.filter((m) => m.n > 0);
  const spread = full.length ? Math.max(...full.map((m) => m.median)) - Math.min(...full.map((m) => m.median)) : Number.NaN;
  return [
    ...streamRows(bench, what, f),
    {
      bench,
      metric: `${what}: drift: slope after minute 1 (whole run); spread of the minutes' medians`,
      value: `${Number.isFinite(slope) ? slope.toFixed(1) : '-'} ms/min (${Number.isFinite(f.slopeMsPerMinute) ? f.slopeMsPerMinute.toFixed(1) : '-'}); ${secs(spread)} s`,
      target: `|slope| <= ${DRIFT_SLOPE_TARGET_MS_PER_MIN} ms/min`,
      ok: r.options.height === OBS_HEIGHT && Number.isFinite(slope) ? Math.abs(slope) <= DRIFT_SLOPE_TARGET_MS_PER_MIN : null,
    },
  ];
}
