import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerArchiveReport, WorkerVodProgress, WorkerVodResult } from '@onda/contracts';
import { archiveOutputArgs, parseMediaPlaylist } from '@onda/media';
import { MemoryStorage } from '../test/memory-storage.js';
import type { WorkerApiClient } from './api-client.js';
import { runVodEncode } from './vod-encode.job.js';

const exec = promisify(execFile);

class FakeApi implements WorkerApiClient {
  archive: WorkerArchiveReport[] = [];
  progress: WorkerVodProgress[] = [];
  results: WorkerVodResult[] = [];
  async event(): Promise<void> {}
  async session(): Promise<never> {
    throw new Error('unused');
  }
  async vodArchive(_id: string, r: WorkerArchiveReport): Promise<void> {
    this.archive.push(r);
  }
  async vodProgress(_id: string, p: WorkerVodProgress): Promise<void> {
    this.progress.push(p);
  }
  async vodResult(_id: string, r: WorkerVodResult): Promise<void> {
    this.results.push(r);
  }
  async clipResult(): Promise<void> {}
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-vodjob-'));
  // Two runs of a recording (an encoder drop between them), 5 s each, in 3 s chunks.
  for (const run of [0, 1]) {
    await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=5',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-c:a', 'aac', '-shortest', '-f', 'flv', join(dir, `run${run}.flv`)]);
    await exec('ffmpeg', ['-v', 'error', '-i', join(dir, `run${run}.flv`), ...archiveOutputArgs({ pattern: join(dir, `r${run}_%05d.mp4`), chunkSeconds: 3 })]);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe(runVodEncode.name, () => {
  it('joins the archive chunks, checks and stores the MP4, then encodes the ladder, poster and storyboard', { timeout: 180_000 }, async () => {
    const vodId = randomUUID();
    const prefix = `vod/${vodId}`;
    const storage = new MemoryStorage();
    for (const f of (await readdir(dir)).filter((n) => n.endsWith('.mp4'))) await storage.put(`${prefix}/archive/${f}`, await readFile(join(dir, f)));
    const api = new FakeApi();
    await runVodEncode({
      job: { vodId, sourceKey: `${prefix}/source.mp4`, storagePrefix: prefix, expectedSeconds: 10 },
      storage, api, scratchDir: dir, logger: pino({ level: 'silent' }), preset: 'ultrafast', progressIntervalMs: 0,
    });

    expect(api.archive).toHaveLength(1);
    const archive = api.archive[0]!;
    expect(archive.status).toBe('stored');
    if (archive.status !== 'stored') return;
    expect(archive.durationSeconds).toBeGreaterThan(9.5);
    expect(archive.durationSeconds).toBeLessThan(10.5);
    expect(storage.objects.get(`${prefix}/source.mp4`)!.body.length).toBe(archive.bytes);
    // The chunks are gone once the joined archive is stored.
    expect([...storage.objects.keys()].some((k) => k.includes('/archive/'))).toBe(false);

    expect(api.results).toEqual([{ status: 'ready', durationSeconds: archive.durationSeconds, width: 1280, height: 720, renditions: ['720p', '480p'] }]);
    expect(api.progress.length).toBeGreaterThan(0);
    expect(api.progress.every((p) => p.percent >= 0 && p.percent <= 100)).toBe(true);
    const master = storage.text(`${prefix}/hls/master.m3u8`)!;
    expect(master).toContain('720p/index.m3u8');
    for (const r of ['720p', '480p']) {
      const p = parseMediaPlaylist(storage.text(`${prefix}/hls/${r}/index.m3u8`)!);
      expect(p.endList).toBe(true);
      for (const s of p.segments) expect(storage.objects.has(`${prefix}/hls/${r}/${s.uri}`)).toBe(true);
    }
    expect(storage.objects.get(`${prefix}/poster.jpg`)!.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(storage.text(`${prefix}/storyboard.vtt`)).toMatch(/^WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nstoryboard.jpg#xywh=0,0,160,90\n/);
    expect(storage.objects.has(`${prefix}/storyboard.jpg`)).toBe(true);
  });

  it('takes a recording a worker died in for what it is: short by the dead worker\'s last chunk only with a takeover note', { timeout: 180_000 }, async () => {
    // Run 0's worker died before uploading its last chunk (2 s); the live playlists had 11 s. Without a
    // note the missing chunk fails the check; with the note of the worker that took over, the VOD is made.
    const archiveOf = async (vodId: string, note: boolean): Promise<MemoryStorage> => {
      const storage = new MemoryStorage();
      for (const f of (await readdir(dir)).filter((n) => n.endsWith('.mp4') && n !== 'r0_00001.mp4')) await storage.put(`vod/${vodId}/archive/${f}`, await readFile(join(dir, f)));
      if (note) await storage.put(`vod/${vodId}/archive/takeover-r1.json`, JSON.stringify({ run: 1, chunkSeconds: 3, segmentSeconds: 1 }));
      return storage;
    };
    const run = async (note: boolean): Promise<FakeApi> => {
      const vodId = randomUUID();
      const api = new FakeApi();
      await runVodEncode({
        job: { vodId, sourceKey: `vod/${vodId}/source.mp4`, storagePrefix: `vod/${vodId}`, expectedSeconds: 11 },
        storage: await archiveOf(vodId, note), api, scratchDir: dir, logger: pino({ level: 'silent' }), preset: 'ultrafast', progressIntervalMs: 0,
      });
      return api;
    };

    const strict = await run(false);
    expect(strict.archive).toEqual([{ status: 'failed', reason: expect.stringMatching(/^archive check failed: \d+ bytes, 8\.\d s for 11\.0 s of broadcast$/) }]);
    expect(strict.results).toEqual([{ status: 'failed', reason: expect.stringMatching(/^archive check failed/) }]);

    const noted = await run(true);
    const archive = noted.archive[0]!;
    expect(archive.status).toBe('stored');
    if (archive.status !== 'stored') return;
    expect(archive.durationSeconds).toBeGreaterThan(7.5);
    expect(archive.durationSeconds).toBeLessThan(8.5);
    // The API checks again: the broadcast's media time and the takeover's slack travel with the report.
    expect(archive.mediaSeconds).toBe(11);
    expect(archive.takeoverSlack!.shortSeconds).toBeGreaterThanOrEqual(11 - archive.durationSeconds - 2);
    expect(noted.results).toEqual([{ status: 'ready', durationSeconds: archive.durationSeconds, width: 1280, height: 720, renditions: ['720p', '480p'] }]);
  });

  it('fails the VOD with a clear reason when the source is not a video', { timeout: 30_000 }, async () => {
    const vodId = randomUUID();
    const storage = new MemoryStorage();
    await storage.put(`vod/${vodId}/upload`, 'just some text, not a video');
    const api = new FakeApi();
    await runVodEncode({ job: { vodId, sourceKey: `vod/${vodId}/upload`, storagePrefix: `vod/${vodId}` }, storage, api, scratchDir: dir, logger: pino({ level: 'silent' }) });
    expect(api.results).toEqual([{ status: 'failed', reason: 'the file is not a video ffmpeg can read' }]);
  });

  it('probes with the configured ffprobe (FFPROBE_PATH), not the one on PATH', { timeout: 30_000 }, async () => {
    const vodId = randomUUID();
    const storage = new MemoryStorage();
    await storage.put(`vod/${vodId}/upload`, 'just some text, not a video');
    // A wrapper that notes each call, then runs the real ffprobe.
    const calls = join(dir, `ffprobe-calls-${vodId}.txt`);
    const wrapper = join(dir, `ffprobe-${vodId}.sh`);
    await writeFile(wrapper, `#!/bin/sh\necho "$@" >> '${calls}'\nexec ffprobe "$@"\n`);
    await chmod(wrapper, 0o755);
    const api = new FakeApi();
    await runVodEncode({ job: { vodId, sourceKey: `vod/${vodId}/upload`, storagePrefix: `vod/${vodId}` }, storage, api, scratchDir: dir, logger: pino({ level: 'silent' }), ffprobePath: wrapper });
    expect(api.results).toEqual([{ status: 'failed', reason: 'the file is not a video ffmpeg can read' }]);
    expect(await readFile(calls, 'utf8')).toContain(join(dir, `vod-${vodId}`, 'source.mp4'));
  });
});
