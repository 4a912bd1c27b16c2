import { describe, expect, it } from 'vitest';
import { buildLlArgs, llKeyframeExpr, llPartTarget } from './ll-args.js';
import { planLadder } from './ladder.js';

const source = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };

describe(buildLlArgs.name, () => {
  it('decodes once and writes one fragmented MP4 per rung, keyframes after the one-part and two-part lead segments and then on segment boundaries', () => {
    const renditions = planLadder(source, { profile: 'default', passthrough: false }).slice(1);
    const args = buildLlArgs({ pullUrl: 'rtmp://ingest/live/x', inputArgs: [], renditions, source, segmentSeconds: 2, outputs: ['unix:/t/480p.sock', 'unix:/t/360p.sock'] });
    expect(args).toEqual([
      '-fpsprobesize', '0', '-i', 'rtmp://ingest/live/x',
      '-filter_complex', '[0:v]scale=854:480:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=640:360:flags=bilinear[v1]',
      '-map', '[v0]', '-map', '0:a:0', '-c:v', 'libx264', '-preset', 'superfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '3.1',
      '-b:v', '1400k', '-maxrate:v', '1540k', '-bufsize:v', '2100k', '-sc_threshold', '0', '-force_key_frames', 'expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.33),if(eq(n_forced,2),gte(t,0.99),gte(t,0.99+(n_forced-2)*2))))', '-g', '60', '-keyint_min', '60', '-r', '30',
      '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a', '128k',
      '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe+skip_trailer', '-frag_duration', '330000', 'unix:/t/480p.sock',
      '-map', '[v1]', '-map', '0:a:0', '-c:v', 'libx264', '-preset', 'superfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '3.0',
      '-b:v', '800k', '-maxrate:v', '880k', '-bufsize:v', '1200k', '-sc_threshold', '0', '-force_key_frames', 'expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.33),if(eq(n_forced,2),gte(t,0.99),gte(t,0.99+(n_forced-2)*2))))', '-g', '60', '-keyint_min', '60', '-r', '30',
      '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a', '128k',
      '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe+skip_trailer', '-frag_duration', '330000', 'unix:/t/360p.sock',
    ]);
  });

  it('refuses a passthrough rung', () => {
    const renditions = planLadder(source, { profile: 'default', passthrough: true });
    expect(() => buildLlArgs({ pullUrl: 'x', renditions, source, segmentSeconds: 2, outputs: renditions.map(() => 'o') })).toThrow(/passthrough/);
  });
});

describe(llPartTarget.name, () => {
  it('covers the longest fragment at the frame rate (plus the first one stretched by an AAC frame)', () => {
    expect(llPartTarget(30)).toBe(0.334);
    expect(llPartTarget(30, true)).toBe(0.355);
    expect(llPartTarget(25)).toBe(0.36);
    expect(llPartTarget(60)).toBe(0.334);
  });
});

describe(llKeyframeExpr.name, () => {
  it('puts a keyframe at 0, at the end of each lead segment (in parts of LL_FRAGMENT_US), then every segment from the last one', () => {
    expect(llKeyframeExpr(2, [])).toBe('expr:if(eq(n_forced,0),1,gte(t,0+(n_forced-0)*2))');
    expect(llKeyframeExpr(2, [1])).toBe('expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.33),gte(t,0.33+(n_forced-1)*2)))');
    expect(llKeyframeExpr(4, [1, 2, 3])).toBe('expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.33),if(eq(n_forced,2),gte(t,0.99),if(eq(n_forced,3),gte(t,1.98),gte(t,1.98+(n_forced-3)*4)))))');
  });
});
