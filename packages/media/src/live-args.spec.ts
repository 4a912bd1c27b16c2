import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { planLadder, presetFor } from './ladder.js';
import { buildLiveArgs } from './live-args.js';

const source720: SourceInfo = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
const LIVE_INPUT = ['-analyzeduration', '1000000', '-probesize', '500000', '-fpsprobesize', '0', '-rw_timeout', '10000000'];
const PULL = 'rtmp://ingest:1935/live/abc?token=t';
const HLS = (seg: string, run: number): string[] => [
  '-f', 'hls', '-hls_time', seg, '-hls_init_time', String(Math.min(Number(seg) / 2, 0.5)), '-hls_list_size', '0', '-hls_playlist_type', 'event',
  '-hls_flags', 'independent_segments+temp_file', '-hls_segment_type', 'mpegts',
  '-hls_segment_filename', `/scratch/s1/%v/r${run}_%05d.ts`,
];
const x264 = (i: number, kbps: number, max: number, buf: number, level: string, gop: number | null, preset = 'superfast'): string[] => [
  `-c:v:${i}`, 'libx264', `-preset:v:${i}`, preset, `-tune:v:${i}`, 'zerolatency', `-profile:v:${i}`, 'high', `-level:v:${i}`, level,
  `-b:v:${i}`, `${kbps}k`, `-maxrate:v:${i}`, `${max}k`, `-bufsize:v:${i}`, `${buf}k`,
  `-sc_threshold:v:${i}`, '0', `-force_key_frames:v:${i}`, 'expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.5),gte(t,(n_forced-1)*2)))',
  ...(gop === null ? [] : [`-g:v:${i}`, String(gop), `-keyint_min:v:${i}`, String(gop)]),
];

/**
 * After the input, run 0 of the 720p/480p/360p ladder with audio: the `filter` graph, `top` (the 720p encoder), 480p
 * and 360p at 30 fps, AAC for each, HLS.
 */
const ladder720WithAudio = (filter: string, top: string[]): string[] => [
  '-filter_complex', filter,
  '-map', '[v0]', '-map', '0:a:0', '-map', '[v1]', '-map', '0:a:0', '-map', '[v2]', '-map', '0:a:0',
  ...top,
  ...x264(1, 1400, 1540, 2100, '3.1', 60),
  ...x264(2, 800, 880, 1200, '3.0', 60),
  '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a:0', '128k', '-b:a:1', '128k', '-b:a:2', '128k',
  ...HLS('2', 0),
  '-var_stream_map', 'v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p', '/scratch/s1/%v/index.m3u8',
];

describe(buildLiveArgs.name, () => {
  it('builds one split process for a 720p30 source with audio', () => {
    const renditions = planLadder(source720, { profile: 'default', passthrough: false });
    const sut = buildLiveArgs({ pullUrl: PULL, outDir: '/scratch/s1', run: 0, renditions, source: source720, segmentSeconds: 2 });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      ...ladder720WithAudio(
        '[0:v]scale=1280:720:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=854:480:flags=bilinear,split=2[v1][t1];[t1]scale=640:360:flags=bilinear[v2]',
        x264(0, 2800, 3080, 4200, '3.1', 60),
      ),
    ]);
  });

  it('maps no audio at all for a silent source, and omits -g when fps is unknown', () => {
    const source: SourceInfo = { ...source720, width: 854, height: 480, fps: 0, hasAudio: false, audioCodec: null };
    const renditions = planLadder(source, { profile: 'default', passthrough: false });
    const sut = buildLiveArgs({ pullUrl: PULL, outDir: '/scratch/s1', run: 3, renditions, source, segmentSeconds: 2 });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      '-filter_complex', '[0:v]scale=854:480:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=640:360:flags=bilinear[v1]',
      '-map', '[v0]', '-map', '[v1]',
      ...x264(0, 1400, 1540, 2100, '3.1', null),
      ...x264(1, 800, 880, 1200, '3.1', null),
      ...HLS('2', 3),
      '-var_stream_map', 'v:0,name:480p v:1,name:360p', '/scratch/s1/%v/index.m3u8',
    ]);
  });

  it('copies the source video for the passthrough rendition and splits only for encoded ones', () => {
    const source: SourceInfo = { ...source720, width: 640, height: 360, fps: 25 };
    const renditions = planLadder(source, { profile: 'default', passthrough: true });
    const sut = buildLiveArgs({
      pullUrl: PULL, outDir: '/scratch/s1', run: 1, renditions, source, segmentSeconds: 2, masterPlaylistName: 'master.m3u8',
    });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      '-filter_complex', '[0:v]scale=640:360:flags=bilinear,format=yuv420p[v1]',
      '-map', '0:v:0', '-map', '0:a:0', '-map', '[v1]', '-map', '0:a:0',
      '-c:v:0', 'copy',
      ...x264(1, 800, 880, 1200, '3.0', 50),
      '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a:0', '128k', '-b:a:1', '128k',
      ...HLS('2', 1),
      '-master_pl_name', 'master.m3u8',
      '-var_stream_map', 'v:0,a:0,name:source v:1,a:1,name:360p', '/scratch/s1/%v/index.m3u8',
    ]);
  });

  it('encodes a small source at its own size and accepts any input flags', () => {
    const source: SourceInfo = { ...source720, width: 320, height: 180, fps: 30, hasAudio: false, audioCodec: null };
    const renditions = planLadder(source, { profile: 'default', passthrough: false });
    const sut = buildLiveArgs({
      pullUrl: 'testsrc2=size=320x180:rate=30', inputArgs: ['-re', '-f', 'lavfi'], outDir: '/scratch/s1', run: 0, renditions, source, segmentSeconds: 4,
    });
    expect(sut).toEqual([
      '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30',
      '-filter_complex', '[0:v]scale=320:180:flags=bilinear,format=yuv420p[v0]',
      '-map', '[v0]',
      '-c:v:0', 'libx264', '-preset:v:0', 'superfast', '-tune:v:0', 'zerolatency', '-profile:v:0', 'high', '-level:v:0', '3.0',
      '-b:v:0', '200k', '-maxrate:v:0', '220k', '-bufsize:v:0', '300k', '-sc_threshold:v:0', '0',
      '-force_key_frames:v:0', 'expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,0.5),gte(t,(n_forced-1)*4)))', '-g:v:0', '120', '-keyint_min:v:0', '120',
      '-f', 'hls', '-hls_time', '4', '-hls_init_time', '0.5', '-hls_list_size', '0', '-hls_playlist_type', 'event',
      '-hls_flags', 'independent_segments+temp_file', '-hls_segment_type', 'mpegts',
      '-hls_segment_filename', '/scratch/s1/%v/r0_%05d.ts',
      '-var_stream_map', 'v:0,name:180p', '/scratch/s1/%v/index.m3u8',
    ]);
  });

  it('keeps 60 fps on 720p when allowed and drops lower rungs to 30 fps after the 720p scaler, keyframes by time', () => {
    const source: SourceInfo = { ...source720, width: 1920, height: 1080, fps: 60 };
    const renditions = planLadder(source, { profile: 'default', passthrough: false, highFps720: true });
    const sut = buildLiveArgs({ pullUrl: PULL, outDir: '/scratch/s1', run: 0, renditions, source, segmentSeconds: 2 });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      ...ladder720WithAudio(
        '[0:v]scale=1280:720:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]fps=30,scale=854:480:flags=bilinear,split=2[v1][t1];[t1]scale=640:360:flags=bilinear[v2]',
        // 720p60: 1.5x the bits, level 3.2 for 60 fps; -g is 2 s of each rung's own rate (60 for 480p and 360p at 30).
        x264(0, 4200, 4620, 6300, '3.2', 120),
      ),
    ]);
  });

  it('low-cpu: a 59.94 fps source gets one exact NTSC fps filter at the top, two rungs, the fast preset', () => {
    const source: SourceInfo = { ...source720, width: 1920, height: 1080, fps: 59.94, hasAudio: false, audioCodec: null };
    const renditions = planLadder(source, { profile: 'low-cpu', passthrough: false, highFps720: true });
    const sut = buildLiveArgs({ pullUrl: PULL, outDir: '/scratch/s1', run: 0, renditions, source, segmentSeconds: 2, preset: presetFor('low-cpu') });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      '-filter_complex', '[0:v]fps=30000/1001,scale=1280:720:flags=bilinear,format=yuv420p,split=2[v0][t0];[t0]scale=640:360:flags=bilinear[v1]',
      '-map', '[v0]', '-map', '[v1]',
      ...x264(0, 2800, 3080, 4200, '3.1', 60, 'ultrafast'),
      ...x264(1, 800, 880, 1200, '3.0', 60, 'ultrafast'),
      ...HLS('2', 0),
      '-var_stream_map', 'v:0,name:720p v:1,name:360p', '/scratch/s1/%v/index.m3u8',
    ]);
  });

  it('audio only: one AAC rendition, no video map, filter or x264 flags', () => {
    const source: SourceInfo = { width: 0, height: 0, fps: 0, hasAudio: true, hasVideo: false, videoCodec: null, audioCodec: 'aac' };
    const renditions = planLadder(source, { profile: 'default', passthrough: true });
    const sut = buildLiveArgs({ pullUrl: PULL, outDir: '/scratch/s1', run: 2, renditions, source, segmentSeconds: 2 });
    expect(sut).toEqual([
      ...LIVE_INPUT, '-i', PULL,
      '-map', '0:a:0',
      '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a:0', '128k',
      ...HLS('2', 2),
      '-var_stream_map', 'a:0,name:audio', '/scratch/s1/%v/index.m3u8',
    ]);
  });
});
