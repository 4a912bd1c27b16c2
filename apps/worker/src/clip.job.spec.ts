import { describe, expect, it } from 'vitest';
import { clipCutArgs } from './clip.job.js';

describe(clipCutArgs.name, () => {
  it('seeks to the keyframe\'s decode time (a millisecond early) and runs to the asked end', () => {
    // A keyframe shown at 6.048 s that decodes at 5.981 s (two B-frames of reorder delay at 30 fps).
    expect(clipCutArgs('/s/joined.ts', 5.981, 21.2, '/s/clip.mp4')).toEqual([
      '-i', '/s/joined.ts', '-ss', '5.980', '-t', '15.219', '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
      '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '/s/clip.mp4',
    ]);
  });

  it('does not seek when the keyframe decodes at or before the start of the file (-ss 0 would drop it)', () => {
    expect(clipCutArgs('/s/joined.ts', -0.019, 15.2, '/s/clip.mp4')).toEqual([
      '-i', '/s/joined.ts', '-t', '15.200', '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
      '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '/s/clip.mp4',
    ]);
    expect(clipCutArgs('/s/joined.ts', 0, 15.2, '/s/clip.mp4')).not.toContain('-ss');
  });
});
