import { describe, expect, it } from 'vitest';
import { avc1Codec, avc1FromProbe, h264LevelFor } from './h264.js';

describe(avc1Codec.name, () => {
  it('encodes profile, x264 constraint flags and level as RFC 6381 hex', () => {
    expect(avc1Codec({ profile: 'high', level: '3.1' })).toBe('avc1.64001f');
    expect(avc1Codec({ profile: 'high', level: '4.1' })).toBe('avc1.640029');
    expect(avc1Codec({ profile: 'main', level: '3.0' })).toBe('avc1.4d401e');
    expect(avc1Codec({ profile: 'baseline', level: '3.0' })).toBe('avc1.42c01e');
  });
});

describe(avc1FromProbe.name, () => {
  it('maps ffprobe profile names and level numbers, and gives up on anything else', () => {
    expect(avc1FromProbe('High', 40)).toBe('avc1.640028');
    expect(avc1FromProbe('Constrained Baseline', 31)).toBe('avc1.42c01f');
    expect(avc1FromProbe('High 4:4:4 Predictive', 0)).toBeNull();
    expect(avc1FromProbe(undefined, 31)).toBeNull();
  });
});

describe(h264LevelFor.name, () => {
  it('accounts for frame rate and bitrate', () => {
    expect(h264LevelFor(1920, 1080, 30, 5000)).toBe('4.0');
    expect(h264LevelFor(1920, 1080, 30, 30_000)).toBe('4.1');
    expect(h264LevelFor(1920, 1080, 60, 6000)).toBe('4.2');
    expect(h264LevelFor(1280, 720, 0, 3000)).toBe('3.2');
  });
});
