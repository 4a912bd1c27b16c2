import { describe, expect, it } from 'vitest';
import { perMinute, slopeMsPerMinute, worstMinuteAbove } from './timeline.js';

const t0 = 1_000_000;
const at = (seconds: number, ms: number) => ({ at: t0 + seconds * 1000, ms });

describe(perMinute.name, () => {
  it('puts each reading in the minute it was taken and summarises each minute', () => {
    const sut = perMinute([at(0, 1000), at(30, 3000), at(59.9, 2000), at(60, 5000), at(119, 7000)], t0);
    expect(sut).toEqual([
      { minute: 1, n: 3, median: 2000, p90: 2800 },
      { minute: 2, n: 2, median: 6000, p90: 6800 },
    ]);
  });

  it('keeps an empty minute in the middle (a long stall) and ignores readings before the start', () => {
    const sut = perMinute([at(-1, 9999), at(10, 1000), at(130, 1500)], t0);
    expect(sut.map((m) => m.n)).toEqual([1, 0, 1]);
    expect(sut[1]!.median).toBeNaN();
  });
});

describe(slopeMsPerMinute.name, () => {
  it('is zero for a flat latency and the drift rate for a growing one', () => {
    expect(slopeMsPerMinute([at(0, 2000), at(60, 2000), at(120, 2000)])).toBe(0);
    // 1 s more every minute, read every 30 s.
    const growing = [0, 30, 60, 90, 120].map((s) => at(s, 2000 + (s / 60) * 1000));
    expect(slopeMsPerMinute(growing)).toBeCloseTo(1000, 6);
  });

  it('sees through noise: alternating readings around a 100 ms/min drift', () => {
    const points = Array.from({ length: 600 }, (_, i) => at(i, 1500 + (i / 60) * 100 + (i % 2 ? 200 : -200)));
    expect(slopeMsPerMinute(points)).toBeCloseTo(100, 0);
  });

  it('is NaN without two distinct times', () => {
    expect(slopeMsPerMinute([at(0, 1)])).toBeNaN();
    expect(slopeMsPerMinute([at(5, 1), at(5, 2)])).toBeNaN();
  });
});

describe(worstMinuteAbove.name, () => {
  it('is the largest excess of a full minute over the reference, ignoring thin minutes', () => {
    const minutes = [
      { minute: 1, n: 100, median: 3000, p90: 3500 },
      { minute: 2, n: 100, median: 4200, p90: 5000 },
      { minute: 3, n: 3, median: 9000, p90: 9000 },
    ];
    expect(worstMinuteAbove(minutes, 3500)).toBe(700);
    expect(worstMinuteAbove(minutes.slice(2), 3500)).toBeNaN();
  });
});
