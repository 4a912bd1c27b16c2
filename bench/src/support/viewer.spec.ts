import { describe, expect, it } from 'vitest';
import { latencies } from './viewer.js';

describe('latencies', () => {
  const spawned = 1_000_000;
  it('is glass time minus the moment the frame was sent', () => {
    const r = latencies([{ at: spawned + 5000, frame: 30, width: 1280, height: 720 }, { at: spawned + 6000, frame: 60, width: 1280, height: 720 }], spawned, 30);
    expect(r).toEqual({ ms: [4000, 4000], points: [{ at: spawned + 5000, ms: 4000 }, { at: spawned + 6000, ms: 4000 }], dropped: 0 });
  });
  it('drops frames that were not sent yet, frame 0 and frames going backwards', () => {
    const s = (at: number, frame: number) => ({ at: spawned + at, frame, width: 1920, height: 1080 });
    const r = latencies([s(1000, 0), s(2000, 90), s(3000, 30), s(3500, 20), s(4000, 45)], spawned, 30);
    expect(r.ms).toEqual([2000, 2500]);
    expect(r.dropped).toBe(3);
  });
});
