import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { FakeWorkerApi } from '../test/fake-worker-api.js';
import { encodedSource, scratchDirPerTest, testSession, waitFor } from '../test/live-fixtures.js';
import type { MemoryStorage } from '../test/memory-storage.js';
import { LiveSession } from './live.session.js';
import { THUMBNAIL_CACHE } from './live-thumbnail.js';

const exec = promisify(execFile);

const SILENT_360P = { width: 640, height: 360, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null } as const;

/** Width, height and codec of a JPEG, by ffprobe. */
async function probeJpeg(dir: string, body: Buffer): Promise<string> {
  const file = join(dir, `${randomUUID()}.jpg`);
  await writeFile(file, body);
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file]);
  return stdout.trim();
}

/**
 * Follows a running session with a 2 s thumbnail interval over 7-9 s of moving input: a 640x360 JPEG soon after the
 * start, then a different one, each uploaded with short cache headers and told to the API.
 */
async function expectRefreshedPictures(o: { scratchDir: string; storage: MemoryStorage; api: FakeWorkerApi; key: string; done: Promise<unknown>; label: string }): Promise<void> {
  const { storage, api, key } = o;
  const started = Date.now();
  await waitFor('the first thumbnail', () => storage.objects.has(key), 30_000);
  const firstAfterMs = Date.now() - started;
  const first = storage.objects.get(key)!;
  // The smallest rung's size (640x360 of an 854x480 source), not the source's.
  expect(await probeJpeg(o.scratchDir, first.body)).toBe('mjpeg,640,360');
  expect(first.options).toMatchObject({ contentType: 'image/jpeg', cacheControl: THUMBNAIL_CACHE });
  expect(api.events.some((e) => e.type === 'thumbnail')).toBe(true);

  await waitFor('a second picture', () => storage.writes.filter((k) => k === key).length >= 2, 30_000);
  // testsrc2 moves: a refreshed picture differs from the first.
  expect(storage.objects.get(key)!.body.equals(first.body)).toBe(false);
  expect(await o.done).toBe('ended');
  // One picture at the start, then one every 2 s of media: 4, give or take the last one.
  const pictures = storage.writes.filter((k) => k === key).length;
  expect(pictures).toBeGreaterThanOrEqual(3);
  expect(pictures).toBeLessThanOrEqual(5);
  expect(api.events.filter((e) => e.type === 'thumbnail')).toHaveLength(pictures);
  console.info(`${o.label}: first thumbnail ${firstAfterMs} ms after start, ${pictures} pictures`);
}

/**
 * The live thumbnail through the real live ffmpeg: taken from the smallest rung, in both latency modes, or from a
 * copied segment's keyframe when no rung is encoded.
 */
describe(`${LiveSession.name} thumbnail`, () => {
  const scratchDir = scratchDirPerTest('onda-live-');

  for (const latencyMode of ['normal', 'low'] as const) {
    it(`${latencyMode} latency: a JPEG of the smallest rung appears and is refreshed every interval`, { timeout: 90_000 }, async () => {
      const { storage, api, sut, key } = testSession(scratchDir(), {
        job: { segmentSeconds: 2, latencyMode, source: { width: 854, height: 480, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null } },
        publisherConnected: true, thumbnailIntervalSeconds: 2,
        // Real time like an encoder; ends by itself like a publisher that stops.
        input: () => ({ args: ['-re', '-f', 'lavfi'], url: 'testsrc2=size=854x480:rate=25:duration=7' }),
      });
      const done = sut.execute();
      api.view = { ...api.view, publisherConnected: false };
      await expectRefreshedPictures({ scratchDir: scratchDir(), storage, api, key: key('thumb.jpg'), done, label: latencyMode });
    });
  }

  it('normal latency, a copy-only ladder: a JPEG of a copied keyframe appears and is refreshed every interval', { timeout: 90_000 }, async () => {
    // H.264 with a keyframe every 2 s, as an encoder sends it (a copy needs a coded source, not lavfi frames).
    const source = await encodedSource(scratchDir());
    const session = testSession(scratchDir(), {
      job: { segmentSeconds: 2, source: { width: 854, height: 480, fps: 15, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' } },
      // No CPU free for any encode: admission leaves only the source copy.
      publisherConnected: false, thumbnailIntervalSeconds: 2, freeCores: 0.01,
      input: () => ({ args: ['-re', '-t', '9'], url: source }),
    });
    const { storage, api, sut } = session;
    const key = session.key('thumb.jpg');
    expect(sut.renditions.map((r) => [r.name, r.passthrough])).toEqual([['source', true]]);
    await expectRefreshedPictures({ scratchDir: scratchDir(), storage, api, key, done: sut.execute(), label: 'copy-only' });
    // Only the JPEG goes up beside the media: the keyframe's copy stays in the scratch folder.
    expect([...storage.objects.keys()].filter((k) => !k.endsWith('.ts') && !k.endsWith('.m3u8'))).toEqual([key]);
  });

  it('takes the first picture from the first frame, not after a whole interval', { timeout: 60_000 }, async () => {
    // 4 s of media against the default 30 s interval: exactly one picture, the one of the start.
    const { storage, sut, key } = testSession(scratchDir(), {
      job: { segmentSeconds: 2, source: SILENT_360P }, publisherConnected: false,
      input: () => ({ args: ['-f', 'lavfi'], url: 'testsrc2=size=640x360:rate=25:duration=4' }),
    });
    expect(await sut.execute()).toBe('ended');
    expect(storage.writes.filter((k) => k === key('thumb.jpg'))).toHaveLength(1);
    expect(await probeJpeg(scratchDir(), storage.objects.get(key('thumb.jpg'))!.body)).toBe('mjpeg,640,360');
  });

  it('writes none when told not to', { timeout: 60_000 }, async () => {
    const { storage, sut } = testSession(scratchDir(), {
      job: { segmentSeconds: 2, source: SILENT_360P }, publisherConnected: false, thumbnailIntervalSeconds: 0,
      input: () => ({ args: ['-f', 'lavfi'], url: 'testsrc2=size=640x360:rate=25:duration=3' }),
    });
    expect(await sut.execute()).toBe('ended');
    expect([...storage.objects.keys()].filter((k) => k.endsWith('.jpg'))).toEqual([]);
  });
});
