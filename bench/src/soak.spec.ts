import { describe, expect, it } from 'vitest';
import { driftRows } from './drift.js';
import type { StreamFigures } from './live/watch.js';
import type { LlSoakResult } from './ll-soak.js';
import { soakRows, type SoakCase, type SoakResult } from './soak.js';

const load = { loadavg: [1], busyCores: 1.2, seconds: 300 };
const overload = { health: [], maxLevel: {}, metrics: null, minSpeed: null, events: [] };
/** A viewer's figures with the given per-minute medians (120 readings a minute). */
const figures = (name: string, fps: number, medians: number[], slope = 0): StreamFigures => ({
  name, fps, height: 1080, publishToPlayableMs: 1200, firstFrameMs: 1500,
  latency: { n: medians.length * 120, min: 0, median: [...medians].sort((a, b) => a - b)[Math.floor(medians.length / 2)]!, p90: Math.max(...medians), max: Math.max(...medians) },
  minutes: medians.map((median, i) => ({ minute: i + 1, n: 120, median, p90: median + 200 })),
  slopeMsPerMinute: slope, steadySlopeMsPerMinute: slope, droppedSamples: 0, stallMs: 600, stalls: 1, watchedMs: 300_000, stallRatio: 0.002,
});
const soak = (sixty: number[], two: number[][]): SoakResult => {
  const c = (id: SoakCase['id'], streams: StreamFigures[]): SoakCase => ({ id, streams, overload, load });
  return {
    options: { minutes: 5, height: 1080 }, sources: [],
    cases: [c('30fps', [figures('a', 30, [3000, 3100, 3000, 3050, 3000])]), c('60fps', [figures('b', 60, sixty)]), c('two-60fps', two.map((m, i) => figures(`c${i}`, 60, m)))],
  };
};

describe('soakRows', () => {
  it('passes a 1080p60 broadcast whose every minute stays within 1 s of the 1080p30 median, and two that stay bounded', () => {
    const rows = soakRows(soak([3500, 3900, 3800, 3900, 3950], [[4000, 4200, 4100, 4300, 4500], [4000, 4000, 4000, 4000, 4000]]));
    const verdicts = rows.filter((r) => r.ok !== null);
    expect(verdicts.map((r) => r.ok)).toEqual([true, true, true]);
    expect(rows.find((r) => r.metric.includes('1080p60 alone, 5 min: worst minute'))?.value).toBe('0.95 s');
  });

  it('fails a 1080p60 broadcast drifting past 1 s above the reference, and one of two drifting', () => {
    const rows = soakRows(soak([3500, 3800, 4100, 4400, 4700], [[4000, 4600, 5200, 5800, 6400], [4000, 4000, 4000, 4000, 4000]]));
    expect(rows.filter((r) => r.ok !== null).map((r) => r.ok)).toEqual([false, false, true]);
    expect(rows.some((r) => r.metric.startsWith('two 1080p60 at once: overload controller'))).toBe(true);
  });
});

describe('driftRows', () => {
  const drift = (slope: number, height = 1080): LlSoakResult => ({
    options: { minutes: 30, height, modes: ['embedded'] }, source: { width: 1920, height, fps: 30, seconds: 1810, settings: '' },
    cases: [{ mode: 'embedded', stream: figures('d', 30, [1800, 1700, 1750], slope), playlistRequests: {}, overload, load }],
  });
  it('calls a slope within ±30 ms/min flat and a larger one drift; no verdict for a smaller source', () => {
    const verdict = (r: LlSoakResult) => driftRows(r).find((row) => row.metric.includes('drift:'))!;
    expect(verdict(drift(-12)).ok).toBe(true);
    expect(verdict(drift(45)).ok).toBe(false);
    expect(verdict(drift(45, 360)).ok).toBeNull();
    expect(verdict(drift(-12)).value).toBe('-12.0 ms/min (-12.0); 0.10 s');
  });

  it('fails a broadcast its viewer never saw', () => {
    const r = soak([3500], [[4000], [4000]]);
    const unseen = r.cases[2]!.streams[1]!;
    Object.assign(unseen, { latency: { n: 0, min: Number.NaN, median: Number.NaN, p90: Number.NaN, max: Number.NaN }, minutes: [] });
    const verdicts = soakRows(r).filter((row) => row.metric.includes('broadcast 2') && row.metric.includes('worst minute'));
    expect(verdicts.map((row) => row.ok)).toEqual([false]);
  });
});
