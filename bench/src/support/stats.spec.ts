import { describe, expect, it } from 'vitest';
import { quantile, summarize } from './stats.js';

describe(summarize.name, () => {
  it('gives min, median, p90 and max, interpolating between ranks', () => {
    const sut = summarize([5, 1, 4, 2, 3]);
    expect(sut).toEqual({ n: 5, min: 1, median: 3, p90: 4.6, max: 5 });
  });

  it('takes the mean of the middle pair for an even count', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('is NaN for no samples', () => {
    expect(summarize([]).median).toBeNaN();
  });
});
