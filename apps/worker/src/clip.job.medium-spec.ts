import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_FILES, type ClipJob, type WorkerClipResult, type WorkerSessionView } from '@onda/contracts';
import { coverRange, keyframeTimes, parseMediaPlaylist, probe } from '@onda/media';
import { MemoryStorage } from '../test/memory-storage.js';
import { FakeWorkerApi } from '../test/fake-worker-api.js';
import { runClip } from './clip.job.js';

const exec = promisify(execFile);

class ClipApi extends FakeWorkerApi {
  constructor() {
    // A clip job never asks about a live session.
    super({} as WorkerSessionView);
  }
  get results(): WorkerClipResult[] {
    return this.clips;
  }
}

let dir: string;
const storage = new MemoryStorage();
const logger = pino({ level: 'silent' });

/**
 * A stored HLS rendition like Onda's: 30 s of 360p30 H.264/AAC with a keyframe every `gop` seconds, cut into
 * segments of that length (or `segment` seconds) (MPEG-TS like the live ladder and the VOD, or fMP4 like LL-HLS),
 * under `prefix`. Without B-frames, like the live ladder (zerolatency); `bframes` like the VOD encode or an encoder
 * whose stream is passed through.
 */
async function storeRendition(prefix: string, gop: number, type: 'mpegts' | 'fmp4', opts: { bframes?: number; segment?: number } = {}): Promise<void> {
  const out = join(dir, prefix.replace(/\//g, '_'));
  await mkdir(out, { recursive: true });
  const ext = type === 'fmp4' ? 'm4s' : 'ts';
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=30', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:v', 'libx264', '-preset', 'ultrafast', ...(opts.bframes ? ['-bf', String(opts.bframes)] : []),
    '-g', String(gop * 30), '-keyint_min', String(gop * 30), '-sc_threshold', '0', '-c:a', 'aac', '-shortest',
    // Timestamps that do not start at zero, as a live broadcast's do minutes in.
    '-output_ts_offset', '600',
    '-f', 'hls', '-hls_time', String(opts.segment ?? gop), '-hls_list_size', '0', '-hls_playlist_type', 'vod', '-hls_segment_type', type,
    ...(type === 'fmp4' ? ['-hls_fmp4_init_filename', 'init_r0.mp4'] : []),
    '-hls_segment_filename', join(out, `s%03d.${ext}`), join(out, 'index.m3u8')]);
  for (const f of await readdir(out)) await storage.put(`${prefix}/${f}`, await readFile(join(out, f)));
}

async function jobFor(prefix: string, start: number, length: number): Promise<ClipJob> {
  const obj = await storage.get(`${prefix}/index.m3u8`);
  const chunks: Buffer[] = [];
  for await (const c of obj!.body) chunks.push(Buffer.from(c as Uint8Array));
  const cover = coverRange(parseMediaPlaylist(Buffer.concat(chunks).toString('utf8')), start, start + length);
  if (typeof cover === 'string') throw new Error(cover);
  const clipId = randomUUID();
  return {
    clipId, storagePrefix: `clip/${clipId}`, sourcePrefix: prefix, ...(cover.segments[0]!.map ? { init: cover.segments[0]!.map } : {}),
    segments: cover.segments.map((s) => ({ uri: s.uri, duration: s.duration })), offsetSeconds: cover.offsetSeconds, durationSeconds: length,
  };
}

/** Fetches the clip's files back from storage into a folder, as a viewer's player would get them. */
async function download(prefix: string): Promise<string> {
  const out = join(dir, `got-${randomUUID()}`);
  await mkdir(join(out, 'hls'), { recursive: true });
  for await (const o of storage.list(`${prefix}/`)) {
    const obj = await storage.get(o.key);
    const chunks: Buffer[] = [];
    for await (const c of obj!.body) chunks.push(Buffer.from(c as Uint8Array));
    await writeFile(join(out, o.key.slice(prefix.length + 1)), Buffer.concat(chunks));
  }
  return out;
}

/** Decodes every frame of a file or playlist; throws on any decode error. */
async function plays(file: string): Promise<void> {
  const { stderr } = await exec('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  expect(stderr.trim()).toBe('');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-clip-'));
  await storeRendition('live/a/720p', 2, 'mpegts');
  await storeRendition('vod/b/hls/720p', 6, 'mpegts');
  await storeRendition('live/c/720p', 2, 'fmp4');
  await storeRendition('vod/d/hls/720p', 6, 'mpegts', { bframes: 3 });
  await storeRendition('live/e/720p', 2, 'mpegts', { bframes: 2, segment: 6 });
  // Five short encodes; a loaded 2-core CI box needs minutes.
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(runClip.name, () => {
  for (const [name, prefix, gop, start, length] of [
    ['live MPEG-TS rendition, 2 s keyframes', 'live/a/720p', 2, 7.3, 20],
    ['VOD rendition, 6 s keyframes', 'vod/b/hls/720p', 6, 9.5, 15],
    ['LL-HLS fMP4 rendition, 2 s keyframes', 'live/c/720p', 2, 11.1, 15],
    // B-frames: keyframes decode before they show. Cut from the first segment's first keyframe (a VOD's every clip)...
    ['VOD rendition with B-frames, 6 s keyframes', 'vod/d/hls/720p', 6, 6.2, 15],
    // ... and from a keyframe inside the first segment.
    ['passed-through rendition with B-frames, 2 s keyframes in 6 s segments', 'live/e/720p', 2, 9.5, 15],
  ] as const) {
    it(`cuts a ${name} by stream copy: starts on a keyframe, within a keyframe interval of the asked length, plays`, async () => {
      const api = new ClipApi();
      const job = await jobFor(prefix, start, length);
      const cut = await runClip({ job, storage, api, scratchDir: dir, logger });

      expect(api.results).toHaveLength(1);
      const result = api.results[0]!;
      expect(result.status).toBe('ready');
      if (result.status !== 'ready') return;
      expect(result).toMatchObject({ width: 640, height: 360 });
      // Starts on the keyframe at or before the asked start: never later, at most one keyframe interval earlier.
      const early = job.offsetSeconds - cut!.startSeconds;
      expect(early).toBeGreaterThanOrEqual(0);
      expect(early).toBeLessThan(gop + 0.05);
      expect(result.durationSeconds).toBeGreaterThan(length - 0.1);
      expect(result.durationSeconds).toBeLessThan(length + gop + 0.15);

      const got = await download(job.storagePrefix);
      const mp4 = join(got, CLIP_FILES.mp4);
      // The first video packet of the clip is a keyframe at time zero (shown at most a B-frame reorder delay later).
      const keys = await keyframeTimes(mp4);
      expect(keys[0]).toBeGreaterThanOrEqual(0);
      expect(keys[0]).toBeLessThan(0.1);
      // The picture runs the whole clip, the asked length at least: not a keyframe interval of sound over nothing.
      const video = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', mp4]);
      expect(Number(video.stdout.trim())).toBeGreaterThan(length - 0.1);
      const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_entries', 'packet=flags', '-of', 'csv=p=0', mp4]);
      expect(stdout.trim().startsWith('K')).toBe(true);
      // Audio came along.
      expect((await probe(mp4)).streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      await plays(mp4);
      await plays(join(got, CLIP_FILES.playlist));
      const playlist = parseMediaPlaylist(await readFile(join(got, CLIP_FILES.playlist), 'utf8'));
      expect(playlist.endList).toBe(true);
      expect(playlist.segments.reduce((s, x) => s + x.duration, 0)).toBeCloseTo(result.durationSeconds, 0);
      expect((await readFile(join(got, CLIP_FILES.poster))).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }, 120_000);
  }

  it('fails the clip, without retrying, when a segment is no longer stored', async () => {
    const api = new ClipApi();
    const job = await jobFor('live/a/720p', 2, 15);
    await runClip({ job: { ...job, segments: [...job.segments, { uri: 'gone.ts', duration: 2 }] }, storage, api, scratchDir: dir, logger });
    expect(api.results).toEqual([{ status: 'failed', reason: 'segment gone.ts is no longer stored' }]);
    expect(await storage.head(`${job.storagePrefix}/${CLIP_FILES.mp4}`)).toBeNull();
  });
});
