import { describe, expect, it } from 'vitest';
import { levelLabel, qualityOptions } from './quality';

describe(qualityOptions.name, () => {
  it('labels levels by height, best first, keeping hls.js level indexes', () => {
    const levels = [
      { height: 360, width: 640, bitrate: 800_000 },
      { height: 720, width: 1280, bitrate: 2_800_000 },
      { height: 480, width: 854, bitrate: 1_400_000 },
    ];

    const sut = qualityOptions(levels);

    expect(sut).toEqual([
      { level: 1, label: '720p' },
      { level: 2, label: '480p' },
      { level: 0, label: '360p' },
    ]);
  });

  it('tells apart levels of the same height by bitrate', () => {
    const sut = qualityOptions([
      { height: 720, bitrate: 1_500_000 },
      { height: 720, bitrate: 3_000_000 },
    ]);

    expect(sut).toEqual([
      { level: 1, label: '720p · 3.0 Mbps' },
      { level: 0, label: '720p · 1.5 Mbps' },
    ]);
  });

  it('returns nothing for an empty ladder', () => {
    expect(qualityOptions([])).toEqual([]);
  });

  it('offers no choice for a single level, nor for levels the playlist says nothing about (no "0 kbps")', () => {
    expect(qualityOptions([{ height: 720, width: 1280, bitrate: 2_800_000 }])).toEqual([]);
    // A clip's media playlist played directly: hls.js makes one level with no resolution and no bitrate.
    expect(qualityOptions([{ height: 0, bitrate: 0 }])).toEqual([]);
    expect(qualityOptions([{ height: 0, bitrate: 0 }, { height: 0, bitrate: 0 }])).toEqual([]);
    // Audio-only levels with a bitrate are still told apart by it.
    expect(qualityOptions([{ height: 0, bitrate: 64_000 }, { height: 0, bitrate: 128_000 }]).map((o) => o.label)).toEqual(['128 kbps', '64 kbps']);
  });
});

describe(levelLabel.name, () => {
  it('marks high frame rates and falls back to bitrate for audio-only levels', () => {
    expect(levelLabel({ height: 1080, bitrate: 6_000_000, frameRate: 59.94 })).toBe('1080p60');
    expect(levelLabel({ height: 1080, bitrate: 6_000_000, frameRate: 30 })).toBe('1080p');
    expect(levelLabel({ height: 0, bitrate: 128_000 })).toBe('128 kbps');
  });
});
