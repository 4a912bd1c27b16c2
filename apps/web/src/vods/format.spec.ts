import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, looksLikeVideo, parseStartTime, titleFromFileName } from './format';

describe(parseStartTime.name, () => {
  it('reads seconds, unit strings and clocks, and nothing else', () => {
    expect(parseStartTime('90')).toBe(90);
    expect(parseStartTime('12.5')).toBe(12.5);
    expect(parseStartTime('90s')).toBe(90);
    expect(parseStartTime('1m30s')).toBe(90);
    expect(parseStartTime('1h2m3s')).toBe(3723);
    expect(parseStartTime('1:30')).toBe(90);
    expect(parseStartTime('1:02:03')).toBe(3723);
    expect(parseStartTime(null)).toBeNull();
    expect(parseStartTime('')).toBeNull();
    expect(parseStartTime('soon')).toBeNull();
    expect(parseStartTime('-5')).toBeNull();
  });
});

describe(formatClock.name, () => {
  it('shows minutes:seconds, with hours only when needed', () => {
    expect(formatClock(7.9)).toBe('0:07');
    expect(formatClock(245)).toBe('4:05');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(Number.NaN)).toBe('0:00');
  });
});

describe(formatBytes.name, () => {
  it('picks a unit and formats in the UI language', () => {
    expect(formatBytes(12_400_000, 'en')).toBe('12.4 MB');
    expect(formatBytes(2_000_000_000, 'en')).toBe('2 GB');
    expect(formatBytes(850_000, 'ko')).toBe('850kB');
  });
});

describe(looksLikeVideo.name, () => {
  it('accepts video types and known video extensions without a type, refuses other types', () => {
    expect(looksLikeVideo({ name: 'clip.mp4', type: 'video/mp4' })).toBe(true);
    expect(looksLikeVideo({ name: 'clip.mov', type: 'video/quicktime' })).toBe(true);
    expect(looksLikeVideo({ name: 'show.MKV', type: '' })).toBe(true);
    expect(looksLikeVideo({ name: 'show.flv', type: 'application/octet-stream' })).toBe(true);
    expect(looksLikeVideo({ name: 'photo.jpg', type: 'image/jpeg' })).toBe(false);
    expect(looksLikeVideo({ name: 'song.m4a', type: 'audio/mp4' })).toBe(false);
    expect(looksLikeVideo({ name: 'notes.txt', type: 'text/plain' })).toBe(false);
    expect(looksLikeVideo({ name: 'renamed.mp4', type: 'application/pdf' })).toBe(false);
    expect(looksLikeVideo({ name: 'README', type: '' })).toBe(false);
  });
});

describe(titleFromFileName.name, () => {
  it('drops the extension and underscores', () => {
    expect(titleFromFileName('my_trip_2026.mp4')).toBe('my trip 2026');
    expect(titleFromFileName('방송 다시보기.mov')).toBe('방송 다시보기');
  });
});
