import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { archiveOutputArgs } from './live-args.js';
import { buildJoinArgs, buildVodArgs, ffconcatList, planStoryboard, planVodLadder, storyboardVtt } from './vod-args.js';

const source1080: SourceInfo = { width: 1920, height: 1080, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };

describe(planVodLadder.name, () => {
  it('keeps the rungs up to the source height', () => {
    expect(planVodLadder(source1080).map((r) => `${r.name}:${r.width}x${r.height}@${r.videoBitrateKbps}`)).toEqual(['1080p:1920x1080@5000', '720p:1280x720@2800', '480p:854x480@1400']);
    expect(planVodLadder({ ...source1080, width: 1280, height: 720 }).map((r) => r.name)).toEqual(['720p', '480p']);
    expect(planVodLadder({ ...source1080, width: 640, height: 360, hasAudio: false })).toEqual([
      { name: '360p', width: 640, height: 360, videoBitrateKbps: 788, audioBitrateKbps: 0, passthrough: false },
    ]);
  });
});

describe(archiveOutputArgs.name, () => {
  it('remuxes video and optional audio into fragmented MP4 chunks', () => {
    expect(archiveOutputArgs({ pattern: '/s/archive/r1_%05d.mp4', chunkSeconds: 60 })).toEqual([
      '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'segment', '-segment_time', '60', '-segment_format', 'mp4',
      '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof', '-reset_timestamps', '1', '/s/archive/r1_%05d.mp4',
    ]);
  });
});

describe(buildJoinArgs.name, () => {
  it('concatenates without re-encoding, moov first', () => {
    expect(buildJoinArgs('/s/list', '/s/a.mp4')).toEqual(['-f', 'concat', '-safe', '0', '-i', '/s/list', '-map', '0', '-c', 'copy', '-movflags', '+faststart', '/s/a.mp4']);
    expect(ffconcatList(['/a/r0.mp4', "/b/it's.mp4"])).toBe("ffconcat version 1.0\nfile '/a/r0.mp4'\nfile '/b/it'\\''s.mp4'\n");
  });
});

describe(buildVodArgs.name, () => {
  it('builds one split process with segment-aligned keyframes and a VOD playlist', () => {
    const renditions = planVodLadder({ ...source1080, width: 1280, height: 720 });
    const x264 = (i: number, kbps: number, level: string): string[] => [
      `-c:v:${i}`, 'libx264', `-preset:v:${i}`, 'faster', `-profile:v:${i}`, 'high', `-level:v:${i}`, level,
      `-b:v:${i}`, `${kbps}k`, `-maxrate:v:${i}`, `${Math.round(kbps * 1.1)}k`, `-bufsize:v:${i}`, `${kbps * 2}k`,
      `-sc_threshold:v:${i}`, '0', `-force_key_frames:v:${i}`, 'expr:gte(t,n_forced*6)',
    ];
    expect(buildVodArgs({ input: '/s/a.mp4', outDir: '/s/out', renditions, source: source1080 })).toEqual([
      '-i', '/s/a.mp4', '-filter_complex', '[0:v]split=2[s0][s1];[s0]scale=1280:720,format=yuv420p[v0];[s1]scale=854:480,format=yuv420p[v1]',
      '-map', '[v0]', '-map', '0:a:0', '-map', '[v1]', '-map', '0:a:0',
      ...x264(0, 2800, '3.1'), ...x264(1, 1400, '3.1'),
      '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a:0', '128k', '-b:a:1', '128k',
      '-f', 'hls', '-hls_time', '6', '-hls_list_size', '0', '-hls_playlist_type', 'vod', '-hls_flags', 'independent_segments',
      '-hls_segment_type', 'mpegts', '-hls_segment_filename', '/s/out/%v/seg_%05d.ts',
      '-var_stream_map', 'v:0,a:0,name:720p v:1,a:1,name:480p', '/s/out/%v/index.m3u8',
    ]);
  });
});

describe(storyboardVtt.name, () => {
  it('maps each interval to its tile in the sprite', () => {
    const layout = planStoryboard(25, { width: 1920, height: 1080 }, 100, 5);
    expect(layout).toEqual({ interval: 5, count: 5, columns: 5, rows: 1, width: 160, height: 90 });
    expect(storyboardVtt(layout, 23, 'sb.jpg')).toBe([
      'WEBVTT', '',
      '00:00:00.000 --> 00:00:05.000', 'sb.jpg#xywh=0,0,160,90', '',
      '00:00:05.000 --> 00:00:10.000', 'sb.jpg#xywh=160,0,160,90', '',
      '00:00:10.000 --> 00:00:15.000', 'sb.jpg#xywh=320,0,160,90', '',
      '00:00:15.000 --> 00:00:20.000', 'sb.jpg#xywh=480,0,160,90', '',
      '00:00:20.000 --> 00:00:23.000', 'sb.jpg#xywh=640,0,160,90', '',
    ].join('\n'));
    expect(planStoryboard(3600, { width: 1280, height: 720 })).toMatchObject({ interval: 36, count: 100, columns: 10, rows: 10 });
  });
});
