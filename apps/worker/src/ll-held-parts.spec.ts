import { describe, expect, it } from 'vitest';
import { HeldParts, type HeldPart } from './ll-held-parts.js';

/** Parts of 0.5 s read every 500 ms from t=10 s on, a keyframe (segment start) every 4 parts (2 s segments). */
const part = (seq: number): HeldPart => ({
  seq, bytes: Buffer.from([seq]), duration: 0.5, independent: seq % 4 === 0, pdt: '', arrivedAt: 10_000 + (seq + 1) * 500,
});
const holding = (from: number, to: number): HeldParts => {
  const held = new HeldParts();
  for (let seq = from; seq <= to; seq++) held.add(part(seq));
  return held;
};

describe(HeldParts.name, () => {
  it('is complete once it holds a whole segment and the start of the next', () => {
    expect(holding(0, 3).complete).toBe(false);
    expect(holding(0, 4).complete).toBe(true);
  });

  it('keeps the newest three segments while waiting for the release, and everything after it', () => {
    const waiting = holding(0, 17);
    // Segment starts 0, 4, 8, 12, 16: the parts from 8 on are kept.
    expect(waiting.takeFrom(0)!.map((p) => p.seq)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const released = holding(0, 3);
    released.release();
    for (let seq = 4; seq <= 17; seq++) released.add(part(seq));
    expect(released.takeFrom(0)!.map((p) => p.seq)[0]).toBe(0);
  });

  it('picks the first segment starting no earlier than half a segment before the predecessor stopped', () => {
    const held = holding(0, 13);
    // Held (the newest three segments): starts 4 (at 12 s), 8 (14 s) and 12 (16 s).
    expect(held.seamPart(15_000, 2)).toBe(8); // 14 s >= 15 s - 1 s
    expect(held.seamPart(15_001, 2)).toBe(12);
    expect(held.seamPart(17_100, 2)).toBeNull(); // not held yet: the next segment start decides
    expect(held.seamPart(null, 2)).toBe(4); // the predecessor published nothing: the oldest held
  });

  it('gives the parts from the first segment start at or after the seam, and none while that start is not held', () => {
    const held = holding(0, 9);
    expect(held.takeFrom(8)!.map((p) => p.seq)).toEqual([8, 9]);
    // A rendition behind the first one: the seam's part has not arrived, what it holds is dropped.
    const behind = holding(0, 7);
    expect(behind.takeFrom(8)).toBeNull();
    for (let seq = 8; seq <= 9; seq++) behind.add(part(seq));
    expect(behind.takeFrom(8)!.map((p) => p.seq)).toEqual([8, 9]);
    // Its seam part was lost (not a segment start here): it starts at its next segment start.
    expect(holding(0, 13).takeFrom(9)!.map((p) => p.seq)).toEqual([12, 13]);
  });
});
