import { describe, expect, it } from 'vitest';
import { detectHighlights } from './highlights.js';

const quiet = (n: number) => Array.from({ length: n }, (_, i) => ({ chatMessages: [1, 0, 2, 1, 0, 1][i % 6]!, reactions: 0, viewers: 20 }));

describe(detectHighlights.name, () => {
  it('finds a planted chat burst and starts the moment one bucket early', () => {
    const buckets = quiet(60);
    buckets[30] = { chatMessages: 14, reactions: 6, viewers: 20 };
    buckets[31] = { chatMessages: 9, reactions: 2, viewers: 20 };
    const [top, ...rest] = detectHighlights(buckets);
    expect(top).toMatchObject({ start: 290, end: 320 });
    expect(top!.reasons[0]).toMatch(/^chat x\d+\.\d over baseline$/);
    expect(top!.signals[0]).toMatchObject({ kind: 'chat-ratio' });
    expect(rest.every((m) => m.score < top!.score)).toBe(true);
  });

  it('finds nothing in a steady chat and ranks a viewer surge', () => {
    expect(detectHighlights(quiet(60))).toEqual([]);
    const buckets = quiet(60).map((b, i) => ({ ...b, viewers: i >= 40 && i < 43 ? 80 : 20 }));
    const [top] = detectHighlights(buckets);
    expect(top).toMatchObject({ start: 390, end: 430 });
    expect(top!.reasons).toContain('viewer peak (80)');
    expect(top!.signals).toContainEqual({ kind: 'viewer-peak', viewers: 80 });
  });
});
