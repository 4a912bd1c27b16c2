import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LiveJob } from '@onda/contracts';
import { planLadderFor } from './live.session.js';

const job = (over: Partial<LiveJob>): LiveJob => ({
  sessionId: randomUUID(), channelId: randomUUID(), pullUrl: 'rtmp://ingest/live/x', profile: 'default', passthrough: true, segmentSeconds: 2,
  storagePrefix: 'live/x', source: { width: 1920, height: 1080, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' }, ...over,
});

describe(planLadderFor.name, () => {
  it('copies the source in normal mode when nothing encoded fits', () => {
    const plan = planLadderFor(job({ latencyMode: 'normal' }), 0.01);
    expect(plan.renditions.every((r) => r.passthrough)).toBe(true);
  });

  it('runs the lightest encoded step in low latency when nothing encoded fits (a copy cannot be cut into parts)', () => {
    const plan = planLadderFor(job({ latencyMode: 'low' }), 0.01);
    expect(plan.renditions.length).toBeGreaterThan(1);
    expect(plan.renditions.some((r) => r.passthrough)).toBe(false);
    expect(plan.shedLevel).toBe(3);
    expect(plan.degradedReason).toMatch(/lightest ladder/);
    expect(plan.cost).toBeLessThan(planLadderFor(job({ latencyMode: 'low' }), 100).cost);
  });

  it('encodes every rung in low latency, passthrough asked or not', () => {
    const plan = planLadderFor(job({ latencyMode: 'low', passthrough: true }), 100);
    expect(plan.renditions.map((r) => [r.name, r.passthrough])).toEqual([['720p', false], ['480p', false], ['360p', false]]);
    expect(plan.shedLevel).toBe(0);
  });
});
