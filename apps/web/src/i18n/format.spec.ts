import { describe, expect, it } from 'vitest';
import { formatDuration, formatSpan } from './format';

describe(formatSpan.name, () => {
  it('speaks Korean and English units through Intl', () => {
    expect(formatSpan(200, 'en')).toBe('3m 20s');
    expect(formatSpan(200, 'ko')).toBe('3분 20초');
    expect(formatSpan(3900, 'ko')).toBe('1시간 5분');
    expect(formatSpan(45, 'en')).toBe('45s');
  });
});

describe(formatDuration.name, () => {
  it('spells the time between two instants, never below zero, up to now when there is no end', () => {
    expect(formatDuration('2026-12-07T10:00:00Z', '2026-12-07T11:05:29Z', 'en')).toBe('1h 5m');
    expect(formatDuration('2026-12-07T10:00:00Z', '2026-12-07T10:03:20.4Z', 'ko')).toBe('3분 20초');
    expect(formatDuration('2026-12-07T10:00:10Z', '2026-12-07T10:00:00Z', 'en')).toBe('0s');
    expect(formatDuration('2026-12-07T10:00:00Z', null, 'en', new Date('2026-12-07T10:00:45Z'))).toBe('45s');
  });
});
