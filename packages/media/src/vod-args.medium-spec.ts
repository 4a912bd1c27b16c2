import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceInfo } from '@onda/contracts';
import { FfmpegProcess } from './ffmpeg-process.js';
import { planLadder } from './ladder.js';
import { buildLiveArgs } from './live-args.js';
import { parseMediaPlaylist } from './m3u8.js';
import { probe } from './probe.js';
import { buildJoinArgs, buildPosterArgs, buildStoryboardArgs, buildVodArgs, ffconcatList, planStoryboard, planVodLadder, storyboardVtt } from './vod-args.js';

const exec = promisify(execFile);
const source: SourceInfo = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
let dir: string;
let input: string;

async function ffmpeg(args: string[]): Promise<void> {
  const sut = FfmpegProcess.start(args);
  const exit = await sut.exited;
  expect(exit, sut.stderrTail().slice(-10).join('\n')).toEqual({ code: 0, signal: null, reason: null });
}

const duration = async (file: string): Promise<number> => Number((await probe(file)).format.duration);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-vod-'));
  input = join(dir, 'source.flv');
  // An H.264/AAC source like an encoder's, with a keyframe every second.
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=9', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=9',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-c:a', 'aac', '-shortest', input]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('archive and VOD arguments against real ffmpeg', () => {
  let joined: string;

  it('records the source in MP4 chunks beside the live ladder, and joins them into one faststart MP4', { timeout: 120_000 }, async () => {
    const out = join(dir, 'live');
    const renditions = planLadder(source, { profile: 'default', passthrough: false }).slice(-1);
    await ffmpeg(buildLiveArgs({ pullUrl: input, inputArgs: [], outDir: out, run: 0, renditions, source, segmentSeconds: 2, archive: { pattern: join(dir, 'r0_%05d.mp4'), chunkSeconds: 3 } }));
    const chunks = (await readdir(dir)).filter((f) => /^r0_\d+\.mp4$/.test(f)).sort();
    expect(chunks).toEqual(['r0_00000.mp4', 'r0_00001.mp4', 'r0_00002.mp4']);
    for (const c of chunks) {
      const info = await probe(join(dir, c));
      expect(info.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
      expect(await duration(join(dir, c))).toBeCloseTo(3, 0);
    }
    // The same chunks twice: the join must lay files end to end, not overlap their timestamps.
    const list = join(dir, 'list.ffconcat');
    await writeFile(list, ffconcatList([...chunks, ...chunks].map((c) => join(dir, c))));
    joined = join(dir, 'archive.mp4');
    await ffmpeg(buildJoinArgs(list, joined));
    expect(await duration(joined)).toBeGreaterThan(17.5);
    expect(await duration(joined)).toBeLessThan(18.5);
    // faststart: the moov box precedes the mdat box.
    const head = (await readFile(joined)).subarray(0, 64 * 1024).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
  });

  it('encodes the VOD ladder up to the source height, a poster and a storyboard', { timeout: 180_000 }, async () => {
    const renditions = planVodLadder(source);
    expect(renditions.map((r) => r.name)).toEqual(['720p', '480p']);
    const out = join(dir, 'vod');
    await ffmpeg(buildVodArgs({ input: joined, outDir: out, renditions, source, preset: 'ultrafast' }));
    for (const r of renditions) {
      const text = await readFile(join(out, r.name, 'index.m3u8'), 'utf8');
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text).toContain('#EXT-X-ENDLIST');
      const segs = parseMediaPlaylist(text).segments;
      // 6 s segments (AAC priming may leave a sliver of a last one).
      expect(segs.slice(0, 3).map((s) => Math.round(s.duration))).toEqual([6, 6, 6]);
      expect(segs.reduce((t, s) => t + s.duration, 0)).toBeCloseTo(18, 0);
      const v = (await probe(join(out, r.name, segs[0]!.uri))).streams.find((s) => s.codec_type === 'video');
      expect(v?.height).toBe(r.height);
    }

    await ffmpeg(buildPosterArgs(joined, 1.8, join(dir, 'poster.jpg')));
    expect((await probe(join(dir, 'poster.jpg'))).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 });

    const layout = planStoryboard(18, source, 100, 2);
    expect(layout).toEqual({ interval: 2, count: 9, columns: 9, rows: 1, width: 160, height: 90 });
    await ffmpeg(buildStoryboardArgs(joined, layout, join(dir, 'sprite.jpg')));
    expect((await probe(join(dir, 'sprite.jpg'))).streams[0]).toMatchObject({ width: 9 * 160, height: 90 });
    expect(storyboardVtt(layout, 18, 'sprite.jpg').split('\n').filter((l) => l.includes('#xywh='))).toHaveLength(9);
  });
});
