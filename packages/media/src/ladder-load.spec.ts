import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { planLadder } from './ladder.js';
import { ladderCost, maxShedLevel, planLiveLadder, shedLadder } from './ladder-load.js';

const src = (over: Partial<SourceInfo> = {}): SourceInfo => ({
  width: 1920, height: 1080, fps: 60, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac', ...over,
});

describe(ladderCost.name, () => {
  it('grows with frame rate and falls with the faster preset; a copy costs almost nothing', () => {
    const l30 = planLadder(src({ fps: 30 }), { profile: 'default', passthrough: false });
    const l60 = planLadder(src(), { profile: 'default', passthrough: false, highFps720: true });
    expect(ladderCost(src({ fps: 30 }), l30)).toBe(0.749);
    expect(ladderCost(src(), l60)).toBe(1.267);
    expect(ladderCost(src({ fps: 30 }), l30, 'ultrafast')).toBeLessThan(ladderCost(src({ fps: 30 }), l30));
    const copy = planLadder(src(), { profile: 'passthrough', passthrough: true }).filter((r) => r.passthrough);
    expect(ladderCost(src(), copy)).toBe(0.02);
  });
});

describe(shedLadder.name, () => {
  const planned = planLadder(src(), { profile: 'default', passthrough: true, highFps720: true });

  it('steps: drop the top encoded rung, then the faster preset, then one rung; lower rungs stand in', () => {
    expect(shedLadder(planned, 'superfast', 0)).toEqual({ renditions: planned, preset: 'superfast', standIns: {} });
    const l1 = shedLadder(planned, 'superfast', 1);
    expect([l1.renditions.map((r) => r.name), l1.preset, l1.standIns]).toEqual([['source', '480p', '360p'], 'superfast', { '720p': '480p' }]);
    const l2 = shedLadder(planned, 'superfast', 2);
    expect([l2.renditions.map((r) => r.name), l2.preset]).toEqual([['source', '480p', '360p'], 'ultrafast']);
    const l3 = shedLadder(planned, 'superfast', 3);
    expect([l3.renditions.map((r) => r.name), l3.preset, l3.standIns]).toEqual([['source', '360p'], 'ultrafast', { '720p': '360p', '480p': '360p' }]);
  });

  it('first takes a high-rate 720p rung down to 30 fps (same name, so the same URL), then steps as usual', () => {
    const high = planLadder(src(), { profile: 'default', passthrough: false, highFps720: true });
    expect(maxShedLevel(high, 60)).toBe(4);
    expect(shedLadder(high, 'superfast', 0, 60).renditions.map((r) => [r.name, r.fps, r.videoBitrateKbps])).toEqual([['720p', undefined, 4200], ['480p', 30, 1400], ['360p', 30, 800]]);
    const l1 = shedLadder(high, 'superfast', 1, 60);
    expect([l1.renditions.map((r) => [r.name, r.fps, r.videoBitrateKbps]), l1.preset, l1.standIns]).toEqual([[['720p', 30, 2800], ['480p', 30, 1400], ['360p', 30, 800]], 'superfast', {}]);
    expect(ladderCost(src(), l1.renditions)).toBeLessThan(ladderCost(src(), high));
    const l2 = shedLadder(high, 'superfast', 2, 60);
    expect([l2.renditions.map((r) => r.name), l2.preset, l2.standIns]).toEqual([['480p', '360p'], 'superfast', { '720p': '480p' }]);
    expect(shedLadder(high, 'superfast', 4, 60).renditions.map((r) => r.name)).toEqual(['360p']);
    // A ladder already at 30 fps has no such step.
    expect(maxShedLevel(planLadder(src(), { profile: 'default', passthrough: false }), 60)).toBe(3);
  });

  it('never sheds the last encoded rung', () => {
    const one = planLadder(src({ width: 640, height: 360 }), { profile: 'default', passthrough: false });
    expect(shedLadder(one, 'superfast', 3).renditions.map((r) => r.name)).toEqual(['360p']);
  });
});

describe(planLiveLadder.name, () => {
  const opts = { profile: 'default' as const, passthrough: false, preset: 'superfast' };

  it('keeps 720p60 for a 60 fps source only when it takes at most half the free cores', () => {
    expect(planLiveLadder(src(), { ...opts, freeCores: 3.4 }).renditions.map((r) => r.fps)).toEqual([undefined, 30, 30]);
    // A 2-core box (1.7 free): 720p at 30 fps, not a degraded start.
    const small = planLiveLadder(src(), { ...opts, freeCores: 1.7 });
    expect([small.renditions.map((r) => r.fps), small.shedLevel, small.degradedReason]).toEqual([[30, 30, 30], 0, null]);
  });

  it('keeps the rungs beside a source copy at 30 fps: the copy carries the 60', () => {
    const plan = planLiveLadder(src(), { ...opts, profile: 'passthrough', freeCores: 8 });
    expect(plan.renditions.map((r) => [r.name, r.passthrough ? 'copy' : r.fps])).toEqual([['source', 'copy'], ['720p', 30], ['480p', 30], ['360p', 30]]);
  });

  it('starts at a lighter step, then as a copy, when the free cores are short', () => {
    const light = planLiveLadder(src(), { ...opts, freeCores: 0.6 });
    expect(light.shedLevel).toBeGreaterThan(0);
    expect(light.degradedReason).toMatch(/short of CPU/);
    const copy = planLiveLadder(src(), { ...opts, freeCores: 0.1 });
    expect([copy.renditions.map((r) => r.name), copy.degradedReason]).toEqual([['source'], 'the server is short of CPU: the stream is passed through without transcoding']);
  });
});
