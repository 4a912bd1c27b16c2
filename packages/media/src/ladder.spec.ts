import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { cappedFps, encodingFor, planLadder } from './ladder.js';

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
  });

  it('passthrough profile: the source copy plus the encoded rungs below it', () => {
    expect(planLadder(src(), { profile: 'passthrough', passthrough: false }).map((r) => r.name)).toEqual(['source', '720p', '480p', '360p']);
    expect(planLadder(src({ width: 1280, height: 720 }), { profile: 'passthrough', passthrough: false }).map((r) => r.name)).toEqual(['source', '480p', '360p']);
    // A codec TS cannot carry is encoded instead of copied.
    expect(planLadder(src({ videoCodec: 'vp9' }), { profile: 'passthrough', passthrough: false }).map((r) => r.name)).toEqual(['720p', '480p', '360p']);
    // Under the lowest rung the copy alone is the ladder.
    expect(planLadder(src({ width: 320, height: 180 }), { profile: 'passthrough', passthrough: false }).map((r) => r.name)).toEqual(['source']);
  });

  it('low-cpu profile: the top and bottom rungs only, never above 30 fps', () => {
    const sut = planLadder(src({ fps: 60 }), { profile: 'low-cpu', passthrough: false, highFps720: true });
    expect(sut.map((r) => [r.name, r.fps])).toEqual([['720p', 30], ['360p', 30]]);
    expect(planLadder(src({ width: 854, height: 480 }), { profile: 'low-cpu', passthrough: false }).map((r) => r.name)).toEqual(['480p', '360p']);
  });

  it('caps rungs at 720p and below to 30 fps for a 60 fps source unless 720p may keep it', () => {
    const capped = planLadder(src({ fps: 60 }), { profile: 'default', passthrough: true });
    expect(capped.map((r) => [r.name, r.fps, r.videoBitrateKbps])).toEqual([['source', undefined, 12442], ['720p', 30, 2800], ['480p', 30, 1400], ['360p', 30, 800]]);
    const high = planLadder(src({ fps: 60 }), { profile: 'default', passthrough: false, highFps720: true });
    // 720p60 keeps the source rate (and gets 1.5x the bits); lower rungs still halve it.
    expect(high.map((r) => [r.name, r.fps, r.videoBitrateKbps])).toEqual([['720p', undefined, 4200], ['480p', 30, 1400], ['360p', 30, 800]]);
  });

  it('halves odd high rates evenly and leaves 30 fps and unknown rates alone', () => {
    expect(planLadder(src({ fps: 50 }), { profile: 'default', passthrough: false }).map((r) => r.fps)).toEqual([25, 25, 25]);
    expect(planLadder(src({ fps: 59.94 }), { profile: 'default', passthrough: false }).map((r) => r.fps)).toEqual([29.97, 29.97, 29.97]);
    expect(planLadder(src({ fps: 30 }), { profile: 'default', passthrough: false, highFps720: true }).map((r) => r.fps)).toEqual([undefined, undefined, undefined]);
    expect(planLadder(src({ fps: 0 }), { profile: 'default', passthrough: false }).map((r) => r.fps)).toEqual([undefined, undefined, undefined]);
  });
});

describe(cappedFps.name, () => {
  it('divides by the smallest whole number that fits the cap', () => {
    expect([cappedFps(60, 30), cappedFps(50, 30), cappedFps(120, 60), cappedFps(144, 60), cappedFps(24, 30), cappedFps(30, 30)]).toEqual([30, 25, 60, 48, 24, 30]);
  });
});

describe('planLadder audio only', () => {
  it('plans one audio rendition for a source without video, whatever the profile', () => {
    for (const profile of ['default', 'passthrough', 'low-cpu'] as const) {
      expect(planLadder(src({ width: 0, height: 0, fps: 0, hasVideo: false, videoCodec: null }), { profile, passthrough: true })).toEqual([
        { name: 'audio', width: 0, height: 0, videoBitrateKbps: 0, audioBitrateKbps: 128, passthrough: false },
      ]);
    }
  });
});

describe('planLadder codecs', () => {
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

  it('uses the rung\'s own capped rate, not the source\'s', () => {
    const [r720, r480] = planLadder(src({ fps: 60 }), { profile: 'default', passthrough: false, highFps720: true });
    expect(encodingFor(r720!, 60)).toEqual({ profile: 'high', level: '3.2' });
    expect(encodingFor(r480!, 60)).toEqual({ profile: 'high', level: '3.1' });
  });
});
