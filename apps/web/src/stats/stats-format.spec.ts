import { describe, expect, it } from 'vitest';
import { clockTicks, statsFormat } from './stats-format';

describe(statsFormat.name, () => {
  it('formats counts, ratios, durations and bitrates in English and Korean', () => {
    const en = statsFormat('en');
    expect(en.count(12345)).toBe('12,345');
    expect(en.decimal(601.17)).toBe('601.2');
    expect(en.ratio(0.0125)).toBe('1.3%');
    expect(en.ratio(null)).toBe('—');
    expect(en.millis(1234)).toBe('1.23s');
    expect(en.span(12_300)).toBe('3h 25m');
    expect(en.kbps(800)).toBe('800 kb/s');
    expect(en.kbps(2500)).toBe('2.5 Mb/s');
    expect(en.clock(3723)).toBe('1:02:03');

    const ko = statsFormat('ko');
    expect(ko.count(12345)).toBe('12,345');
    expect(ko.millis(1234)).toBe('1.23초');
    expect(ko.span(12_300)).toBe('3시간 25분');
  });
});

describe(clockTicks.name, () => {
  it('puts about six ticks on round clock steps', () => {
    expect(clockTicks(90)).toEqual([0, 15, 30, 45, 60, 75, 90]);
    expect(clockTicks(360)).toEqual([0, 60, 120, 180, 240, 300, 360]);
    expect(clockTicks(3 * 3600)).toEqual([0, 1800, 3600, 5400, 7200, 9000, 10_800]);
    expect(clockTicks(0)).toEqual([0]);
  });
});
