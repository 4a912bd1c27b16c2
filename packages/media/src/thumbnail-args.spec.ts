import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { planLadder } from './ladder.js';
import { planLiveLadder } from './ladder-load.js';
import { buildLiveArgs } from './live-args.js';
import { buildLlArgs } from './ll-args.js';
import { keyframeThumbnailArgs, liveThumbnailSource, thumbnailOutputArgs } from './thumbnail-args.js';

const source: SourceInfo = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
const thumbnail = { path: '/scratch/s1/thumb.jpg', intervalSeconds: 30 };
const THUMB_ARGS = [
  '-map', '[thumb]', '-c:v', 'mjpeg', '-q:v', '5', '-fps_mode', 'passthrough', '-f', 'image2', '-update', '1', '-atomic_writing', '1', '/scratch/s1/thumb.jpg',
];
const CHAIN = "[thumbsrc]select='isnan(prev_selected_t)+gte(t-prev_selected_t,30)',scale=out_range=full:flags=bilinear[thumb]";

describe(thumbnailOutputArgs.name, () => {
  it('taps the smallest rung of the normal ladder and writes one JPEG in place after the other outputs', () => {
    const renditions = planLadder(source, { profile: 'default', passthrough: false });
    const sut = buildLiveArgs({ pullUrl: 'rtmp://x/live/a', outDir: '/scratch/s1', run: 0, renditions, source, segmentSeconds: 2, thumbnail });
    expect(sut[sut.indexOf('-filter_complex') + 1]).toBe(
      '[0:v]scale=1280:720:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=854:480:flags=bilinear,split=2[v1][t1];'
      + `[t1]scale=640:360:flags=bilinear,split=2[v2][thumbsrc];${CHAIN}`,
    );
    expect(sut.slice(-THUMB_ARGS.length)).toEqual(THUMB_ARGS);
    // Everything else is the ladder as without a thumbnail.
    const without = buildLiveArgs({ pullUrl: 'rtmp://x/live/a', outDir: '/scratch/s1', run: 0, renditions, source, segmentSeconds: 2 });
    expect(sut.slice(sut.indexOf('-filter_complex') + 2, -THUMB_ARGS.length)).toEqual(without.slice(without.indexOf('-filter_complex') + 2));
  });

  it('writes no thumbnail when nothing is decoded (the source copied as is, or audio only)', () => {
    const copied = planLadder({ ...source, width: 640, height: 360 }, { profile: 'default', passthrough: true }).filter((r) => r.passthrough);
    const sut = buildLiveArgs({ pullUrl: 'rtmp://x/live/a', outDir: '/scratch/s1', run: 0, renditions: copied, source, segmentSeconds: 2, thumbnail });
    expect(sut).not.toContain('-filter_complex');
    expect(sut).not.toContain('mjpeg');
  });

  it('taps the smallest rung of the low-latency ladder too', () => {
    const renditions = planLadder(source, { profile: 'default', passthrough: false }).slice(1);
    const sut = buildLlArgs({ pullUrl: 'rtmp://x/live/a', inputArgs: [], renditions, source, segmentSeconds: 2, outputs: ['unix:/t/a.sock', 'unix:/t/b.sock'], thumbnail });
    expect(sut[sut.indexOf('-filter_complex') + 1]).toBe(`[0:v]scale=854:480:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=640:360:flags=bilinear,split=2[v1][thumbsrc];${CHAIN}`);
    expect(sut.slice(-THUMB_ARGS.length)).toEqual(THUMB_ARGS);
  });
});

describe(liveThumbnailSource.name, () => {
  const hd: SourceInfo = { ...source, width: 1920, height: 1080, fps: 60 };
  const plan = (src: SourceInfo, over: { profile?: 'default' | 'passthrough'; passthrough?: boolean; freeCores?: number } = {}) =>
    planLiveLadder(src, { profile: 'default', passthrough: false, preset: 'superfast', freeCores: 8, ...over }).renditions;

  it('takes the ladder picture whenever a rung is encoded, a source copy beside it or not', () => {
    expect(liveThumbnailSource(plan(hd), hd)).toEqual({ from: 'ladder' });
    expect(liveThumbnailSource(plan(hd, { profile: 'passthrough' }), hd)).toEqual({ from: 'ladder' });
    expect(liveThumbnailSource(plan(hd, { passthrough: true }), hd)).toEqual({ from: 'ladder' });
  });

  it('takes a keyframe of the copy, at the smallest rung\'s size, when admission leaves only the source copy', () => {
    const degraded = plan(hd, { freeCores: 0.05 });
    expect(degraded.map((r) => [r.name, r.passthrough])).toEqual([['source', true]]);
    expect(liveThumbnailSource(degraded, hd)).toEqual({ from: 'copy', rendition: 'source', width: 640, height: 360 });
  });

  it('takes a keyframe of the copy for the passthrough profile at 360p or below, never scaled up', () => {
    const sd: SourceInfo = { ...source, width: 640, height: 360 };
    expect(plan(sd, { profile: 'passthrough' }).map((r) => r.name)).toEqual(['source']);
    expect(liveThumbnailSource(plan(sd, { profile: 'passthrough' }), sd)).toEqual({ from: 'copy', rendition: 'source', width: 640, height: 360 });
    const small: SourceInfo = { ...source, width: 426, height: 240 };
    expect(liveThumbnailSource(plan(small, { profile: 'passthrough' }), small)).toEqual({ from: 'copy', rendition: 'source', width: 426, height: 240 });
  });

  it('has no picture to take from audio only', () => {
    const radio: SourceInfo = { ...source, width: 0, height: 0, hasVideo: false, videoCodec: null };
    expect(liveThumbnailSource(plan(radio), radio)).toBeNull();
  });
});

describe(keyframeThumbnailArgs.name, () => {
  it('decodes only the first keyframe of the segment and writes it as the JPEG in place', () => {
    expect(keyframeThumbnailArgs('/scratch/s1/thumb-src.ts', '/scratch/s1/thumb.jpg', { width: 640, height: 360 })).toEqual([
      '-skip_frame', 'nokey', '-i', '/scratch/s1/thumb-src.ts', '-map', '0:v:0', '-frames:v', '1',
      '-vf', 'scale=640:360:flags=bilinear:out_range=full', '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2', '-update', '1', '-atomic_writing', '1',
      '/scratch/s1/thumb.jpg',
    ]);
  });
});
