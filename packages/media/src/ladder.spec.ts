import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { encodingFor, planLadder } from './ladder.js';

const src = (over: Partial<SourceInfo> = {}): SourceInfo => ({
  width: 1920, height: 1080, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac', ...over,
});

describe(planLadder.name, () => {
  it('keeps the whole default ladder for a 1080p source, highest first', () => {
    const sut = planLadder(src(), { profile: 'default', passthrough: false });
    expect(sut).toEqual([
      { name: '720p', width: 1280, height: 720, videoBitrateKbps: 2800, audioBitrateKbps: 128, passthrough: false },
      { name: '480p', width: 854, height: 480, videoBitrateKbps: 1400, audioBitrateKbps: 128, passthrough: false },
      { name: '360p', width: 640, height: 360, videoBitrateKbps: 800, audioBitrateKbps: 128, passthrough: false },
    ]);
  });

  it('drops rungs taller than the source and zeroes audio when there is none', () => {
    const sut = planLadder(src({ width: 854, height: 480, hasAudio: false, audioCodec: null }), { profile: 'default', passthrough: false });
    expect(sut.map((r) => [r.name, r.width, r.audioBitrateKbps])).toEqual([['480p', 854, 0], ['360p', 640, 0]]);
  });

  it('keeps even widths for odd aspect ratios (4:3 and portrait)', () => {
    expect(planLadder(src({ width: 1440, height: 1080 }), { profile: 'default', passthrough: false }).map((r) => r.width)).toEqual([960, 640, 480]);
    const portrait = planLadder(src({ width: 720, height: 1280 }), { profile: 'default', passthrough: false });
    expect(portrait.map((r) => `${r.width}x${r.height}`)).toEqual(['406x720', '270x480', '202x360']);
  });

  it('keeps one rung at the source height for sources under 360p', () => {
    const sut = planLadder(src({ width: 320, height: 240 }), { profile: 'default', passthrough: false });
    expect(sut).toEqual([{ name: '240p', width: 320, height: 240, videoBitrateKbps: 356, audioBitrateKbps: 128, passthrough: false }]);
  });

  it('puts the passthrough rendition first when asked, and only it for the passthrough profile', () => {
    const withCopy = planLadder(src({ width: 1280, height: 720 }), { profile: 'default', passthrough: true });
    expect(withCopy.map((r) => r.name)).toEqual(['source', '720p', '480p', '360p']);
    expect(withCopy[0]).toMatchObject({ width: 1280, height: 720, passthrough: true });
    expect(planLadder(src(), { profile: 'passthrough', passthrough: false }).map((r) => r.name)).toEqual(['source']);
  });

  it('does not copy a video codec HLS cannot carry in TS', () => {
    const sut = planLadder(src({ videoCodec: 'vp9' }), { profile: 'default', passthrough: true });
    expect(sut.map((r) => r.name)).toEqual(['720p', '480p', '360p']);
  });
});

describe(encodingFor.name, () => {
  it('picks the lowest level that fits size, fps and peak bitrate', () => {
    const [r720, r480, r360] = planLadder(src(), { profile: 'default', passthrough: false });
    expect(encodingFor(r720!, 30)).toEqual({ profile: 'high', level: '3.1' });
    expect(encodingFor(r720!, 60)).toEqual({ profile: 'high', level: '3.2' });
    expect(encodingFor(r480!, 30)).toEqual({ profile: 'high', level: '3.1' });
    expect(encodingFor(r360!, 30)).toEqual({ profile: 'high', level: '3.0' });
  });
});
