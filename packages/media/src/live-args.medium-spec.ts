import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { avc1Codec, avc1FromProbe } from './h264.js';
import { encodingFor, planLadder } from './ladder.js';
import { buildLiveArgs } from './live-args.js';
import { codecsString, parseMediaPlaylist, renderMaster } from './m3u8.js';
import { FfmpegProcess } from './ffmpeg-process.js';
import { keyframeTimes, probe } from './probe.js';

const exec = promisify(execFile);

/** Video packets of a file (one per frame). */
async function videoFrames(file: string): Promise<number> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  return stdout.split('\n').filter((l) => l.trim().length > 0).length;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs the real builder output against a 6 s lavfi source (video and optionally audio as streams 0:0 and 0:1). */
async function encode(source: SourceInfo, highFps720 = false): Promise<{ outDir: string; names: string[] }> {
  const outDir = await mkdtemp(join(tmpdir(), 'onda-media-'));
  dirs.push(outDir);
  const lavfi = `testsrc2=size=${source.width}x${source.height}:rate=${source.fps}:duration=6[out0]` +
    (source.hasAudio ? ';sine=frequency=440:sample_rate=44100:duration=6[out1]' : '');
  const renditions = planLadder(source, { profile: 'default', passthrough: false, highFps720 });
  const sut = FfmpegProcess.start(
    buildLiveArgs({ pullUrl: lavfi, inputArgs: ['-f', 'lavfi'], outDir, run: 0, renditions, source, segmentSeconds: 2 }),
  );
  const exit = await sut.exited;
  expect(exit, sut.stderrTail().slice(-10).join('\n')).toEqual({ code: 0, signal: null, reason: null });
  return { outDir, names: renditions.map((r) => r.name) };
}

/**
 * Checks that every rendition is 6 s of media as four segments, a short 0.5 s first one (faster
 * publish-to-playable) then keyframes on the 2 s grid, and that every rendition switches at the same
 * instants: one keyframe per segment, same pts everywhere. Returns those keyframe times.
 */
async function alignedKeyframes(outDir: string, names: readonly string[]): Promise<number[]> {
  const keyframes: number[][] = [];
  for (const name of names) {
    const playlist = parseMediaPlaylist(await readFile(join(outDir, name, 'index.m3u8'), 'utf8'));
    expect(playlist.segments.map((s) => s.uri)).toEqual(['r0_00000.ts', 'r0_00001.ts', 'r0_00002.ts', 'r0_00003.ts']);
    expect(playlist.segments.map((s) => Math.round(s.duration * 10) / 10)).toEqual([0.5, 1.5, 2, 2]);
    const times: number[] = [];
    for (const s of playlist.segments) times.push(...(await keyframeTimes(join(outDir, name, s.uri))));
    keyframes.push(times);
  }
  expect(keyframes[0]).toHaveLength(4);
  for (const times of keyframes.slice(1)) expect(times).toEqual(keyframes[0]);
  return keyframes[0]!;
}

describe(buildLiveArgs.name, () => {
  it('produces aligned 2 s segments for every rendition of a 720p source with audio', { timeout: 120_000 }, async () => {
    const source: SourceInfo = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
    const { outDir, names } = await encode(source);
    expect(names).toEqual(['720p', '480p', '360p']);

    const keyframes = await alignedKeyframes(outDir, names);
    expect(keyframes[1]! - keyframes[0]!).toBeCloseTo(0.5, 2);
    expect(keyframes[2]! - keyframes[1]!).toBeCloseTo(1.5, 2);
    expect(keyframes[3]! - keyframes[2]!).toBeCloseTo(2, 2);

    // The CODECS we advertise must match what the bitstream says.
    const renditions = planLadder(source, { profile: 'default', passthrough: false });
    const variants = [];
    for (const r of renditions) {
      const info = await probe(join(outDir, r.name, 'r0_00000.ts'));
      const video = info.streams.find((s) => s.codec_type === 'video')!;
      const audio = info.streams.find((s) => s.codec_type === 'audio')!;
      expect([video.width, video.height]).toEqual([r.width, r.height]);
      expect([audio.codec_name, audio.sample_rate, audio.channels]).toEqual(['aac', '48000', 2]);
      const codec = avc1Codec(encodingFor(r, source.fps));
      expect(avc1FromProbe(video.profile, video.level)).toBe(codec);
      variants.push({ rendition: r, uri: `${r.name}/index.m3u8`, codecs: codecsString(codec, true), frameRate: source.fps });
    }
    const master = renderMaster(variants);
    const inf = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(inf).toHaveLength(3);
    expect(inf[0]).toContain('BANDWIDTH=3220800,');
    expect(inf[1]).toContain('RESOLUTION=854x480');
    expect(inf[2]).toContain('CODECS="avc1.64001e,mp4a.40.2"');
  });

  it('produces video-only segments for a source without audio', { timeout: 60_000 }, async () => {
    const source: SourceInfo = { width: 854, height: 480, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null };
    const { outDir, names } = await encode(source);
    expect(names).toEqual(['480p', '360p']);
    for (const name of names) {
      expect((await readdir(join(outDir, name))).sort()).toEqual(['index.m3u8', 'r0_00000.ts', 'r0_00001.ts', 'r0_00002.ts', 'r0_00003.ts']);
      const info = await probe(join(outDir, name, 'r0_00001.ts'));
      expect(info.streams.map((s) => s.codec_type)).toEqual(['video']);
    }
    expect(await keyframeTimes(join(outDir, '360p', 'r0_00001.ts'))).toEqual(await keyframeTimes(join(outDir, '480p', 'r0_00001.ts')));
  });

  it('keeps 60 fps on the 720p rung of a 60 fps source, 30 fps below, with identical keyframe times', { timeout: 120_000 }, async () => {
    const source: SourceInfo = { width: 1280, height: 720, fps: 60, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
    const { outDir, names } = await encode(source, true);
    expect(names).toEqual(['720p', '480p', '360p']);
    // Segment 2 is a full 2 s segment: 120 frames at 60 fps, 60 at 30 fps.
    expect(await Promise.all(names.map((n) => videoFrames(join(outDir, n, 'r0_00002.ts'))))).toEqual([120, 60, 60]);
    await alignedKeyframes(outDir, names);
    // The levels we advertise match the bitstream at each rung's own rate (720p60 needs 3.2).
    const renditions = planLadder(source, { profile: 'default', passthrough: false, highFps720: true });
    for (const r of renditions) {
      const video = (await probe(join(outDir, r.name, 'r0_00001.ts'))).streams.find((s) => s.codec_type === 'video')!;
      expect(avc1FromProbe(video.profile, video.level)).toBe(avc1Codec(encodingFor(r, source.fps)));
    }
    expect(avc1Codec(encodingFor(renditions[0]!, source.fps))).toBe('avc1.640020');
  });
});
