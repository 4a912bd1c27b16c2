import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOutputArgs, probe } from '@onda/media';
import { testSession } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

const exec = promisify(execFile);

let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-archive-'));
  source = join(dir, 'encoder.flv');
  // What an encoder sends: H.264 + AAC with a keyframe every second.
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac', '-shortest', source]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const seconds = async (file: string): Promise<number> => Number((await probe(file)).format.duration);

describe(`${LiveSession.name} recording`, () => {
  it('uploads the archive in chunks, including what an interrupted worker left on disk', { timeout: 90_000 }, async () => {
    const sessionId = randomUUID();
    const scratchDir = join(dir, 'scratch');
    // A worker killed mid-broadcast left run 0's chunks on disk, the last one cut short mid-write.
    const leftovers = join(scratchDir, sessionId, 'archive');
    await mkdir(leftovers, { recursive: true });
    await exec('ffmpeg', ['-v', 'error', '-i', source, ...archiveOutputArgs({ pattern: join(leftovers, 'r0_%05d.mp4'), chunkSeconds: 2 })]);
    const cut = join(leftovers, 'r0_00001.mp4');
    await truncate(cut, Math.floor((await stat(cut)).size * 0.6));

    // The publisher leaves when the 4 s input ends, so the session finishes after one run.
    const { storage, api, sut } = testSession(scratchDir, {
      job: { sessionId, segmentSeconds: 1, recording: true, source: { width: 640, height: 360, fps: 25, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' } },
      publisherConnected: false, archiveChunkSeconds: 2,
      input: () => ({ args: ['-re'], url: source }),
    });
    expect(await sut.execute()).toBe('ended');

    const keys = [...storage.objects.keys()].filter((k) => k.startsWith(`vod/${sessionId}/archive/`) && k.endsWith('.mp4')).sort();
    expect(keys.map((k) => k.split('/').at(-1))).toEqual(['r0_00000.mp4', 'r0_00001.mp4', 'r1_00000.mp4', 'r1_00001.mp4']);
    // The VOD encode learns that this recording was continued from an interrupted worker's run.
    expect(JSON.parse(storage.text(`vod/${sessionId}/archive/takeover-r1.json`)!)).toEqual({ run: 1, chunkSeconds: 2, segmentSeconds: 1 });
    let total = 0;
    for (const k of keys) {
      const file = join(dir, k.replaceAll('/', '_'));
      await writeFile(file, storage.objects.get(k)!.body);
      const info = await probe(file);
      expect(info.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
      total += await seconds(file);
    }
    // 4 s recorded by the new run plus the interrupted run's 2 s and the readable part of its cut chunk.
    expect(total).toBeGreaterThan(6.5);
    expect(total).toBeLessThan(8.5);
    expect(api.events.at(-1)?.type).toBe('ended');
  });
});
