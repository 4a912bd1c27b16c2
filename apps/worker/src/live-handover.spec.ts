import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveJob, Rendition } from '@onda/contracts';
import { parseMediaPlaylist } from '@onda/media';
import { MemoryStorage } from '../test/memory-storage.js';
import { HandoverChannel, handedOver, handoverPrefix, parseHandoverOutcome, startsAfterSeam } from './live-handover.js';
import { SegmentPackaging } from './live-segments.js';

describe(startsAfterSeam.name, () => {
  const lastAt = 100_000;

  it('takes the first segment starting no earlier than half a segment before the predecessor stopped', () => {
    // 2 s segments complete at these wall clocks start 2 s earlier.
    const at = (arrivedAt: number) => startsAfterSeam({ arrivedAt, duration: 2 }, lastAt);
    expect(at(100_500)).toBe(false); // starts 1.5 s before: would repeat 1.5 s
    expect(at(100_999)).toBe(false);
    expect(at(101_000)).toBe(true); // starts 1 s before: repeats at most half a segment
    expect(at(102_900)).toBe(true); // starts 0.9 s after: skips less than half a segment
  });

  it('scales the allowance with the segment and takes everything when the predecessor published nothing', () => {
    expect(startsAfterSeam({ arrivedAt: 100_000, duration: 0.4 }, lastAt)).toBe(false);
    expect(startsAfterSeam({ arrivedAt: 100_200, duration: 0.4 }, lastAt)).toBe(true);
    expect(startsAfterSeam({ arrivedAt: 0, duration: 2 }, null)).toBe(true);
  });
});

describe(parseHandoverOutcome.name, () => {
  it('reads both outcomes and refuses anything else', () => {
    expect(parseHandoverOutcome('{"kind":"cancelled"}')).toEqual({ kind: 'cancelled' });
    expect(parseHandoverOutcome('{"kind":"released","lastSegmentAt":5,"recordingStoppedAt":"x"}')).toEqual({ kind: 'released', lastSegmentAt: 5, recordingStoppedAt: null });
    expect(parseHandoverOutcome('{"kind":"maybe"}')).toBeNull();
    expect(parseHandoverOutcome('not json')).toBeNull();
  });
});

describe(HandoverChannel.name, () => {
  it('carries ready and the outcome between the two workers through storage, under the session prefix', async () => {
    const storage = new MemoryStorage();
    const sessionId = randomUUID();
    const predecessor = new HandoverChannel(storage, sessionId, 'token-1');
    const successor = new HandoverChannel(storage, sessionId, 'token-1');
    const other = new HandoverChannel(storage, sessionId, 'token-2');
    expect(await predecessor.ready()).toBe(false);
    await successor.markReady();
    expect(await predecessor.ready()).toBe(true);
    expect(await other.ready()).toBe(false);
    expect(await successor.outcome()).toBeNull();
    await predecessor.decide({ kind: 'released', lastSegmentAt: 42, recordingStoppedAt: null });
    expect(await successor.outcome()).toEqual({ kind: 'released', lastSegmentAt: 42, recordingStoppedAt: null });
    expect([...storage.objects.keys()].every((k) => k.startsWith(handoverPrefix(sessionId)))).toBe(true);
  });

  it('tells a later job of the session that a successor runs it once a predecessor released it', async () => {
    const storage = new MemoryStorage();
    const sessionId = randomUUID();
    await new HandoverChannel(storage, sessionId, 'cancelled-one').decide({ kind: 'cancelled' });
    await new HandoverChannel(storage, sessionId, 'pending').markReady();
    expect(await handedOver(storage, sessionId)).toBe(false);
    await new HandoverChannel(storage, sessionId, 'released-one').decide({ kind: 'released', lastSegmentAt: 1, recordingStoppedAt: 1 });
    expect(await handedOver(storage, sessionId)).toBe(true);
    expect(await handedOver(storage, randomUUID())).toBe(false);
  });
});

describe(`${SegmentPackaging.name} hand-over`, () => {
  let dir: string;
  let storage: MemoryStorage;
  const sessionId = randomUUID();
  const renditions = ['480p', '360p'].map((name) => ({ name, width: 0, height: 0, videoBitrateKbps: 0, audioBitrateKbps: 0, passthrough: false }) as Rendition);
  const job = { sessionId, segmentSeconds: 2, storagePrefix: `live/${sessionId}` } as LiveJob;
  const published = (r: string) => parseMediaPlaylist(storage.text(`live/${sessionId}/${r}/index.m3u8`)!);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onda-seam-'));
    storage = new MemoryStorage();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  /** ffmpeg's local playlists of run 1 with segments 0..n-1 (2 s each), taken in at wall clock `at`. */
  const cut = async (sut: SegmentPackaging, n: number, at: number): Promise<void> => {
    for (const r of renditions) {
      await mkdir(join(dir, r.name), { recursive: true });
      const uris = Array.from({ length: n }, (_, i) => `r1_${String(i).padStart(5, '0')}.ts`);
      for (const uri of uris) await writeFile(join(dir, r.name, uri), `${r.name}/${uri}`, { flag: 'a' });
      await writeFile(join(dir, r.name, 'index.m3u8'), `#EXTM3U\n#EXT-X-TARGETDURATION:2\n${uris.map((u) => `#EXTINF:2.000,\n${u}\n`).join('')}`);
    }
    vi.spyOn(Date, 'now').mockReturnValue(at);
    await sut.follow().stop();
  };

  it('holds segments unpublished, then continues the predecessor\'s playlists from the seam on every rendition', async () => {
    // The predecessor's playlists, its last segment complete at 100 s.
    for (const r of renditions) {
      await storage.put(`live/${sessionId}/${r.name}/index.m3u8`, '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\nr0_00000.ts\n#EXTINF:1.200,\nr0_00001.ts\n');
    }
    const sut = new SegmentPackaging({ job, renditions, storage, dir, logger: pino({ level: 'silent' }), windowSeconds: 300, onPublished: () => undefined });
    sut.hold();
    await cut(sut, 1, 97_000);
    await cut(sut, 2, 99_000);
    expect(sut.holdingComplete).toBe(true);
    await cut(sut, 3, 101_500);
    await sut.idle();
    expect([...storage.objects.keys()].filter((k) => k.endsWith('.ts'))).toEqual([]);

    expect(await sut.restore()).toBe(1);
    // Segment 1 (97-99 s) is before the seam; segment 2 (99.5-101.5 s) starts within a second of it.
    sut.release(100_000);
    await cut(sut, 4, 103_500);
    await sut.idle();
    for (const r of renditions) {
      const p = published(r.name);
      expect(p.segments.map((s) => [s.uri, s.discontinuity])).toEqual([
        ['r0_00000.ts', false], ['r0_00001.ts', false], ['r1_00002.ts', true], ['r1_00003.ts', false],
      ]);
      expect(storage.objects.has(`live/${sessionId}/${r.name}/r1_00001.ts`)).toBe(false);
    }
  });

  it('waits for a segment past the seam when every held one is older', async () => {
    const sut = new SegmentPackaging({ job, renditions, storage, dir, logger: pino({ level: 'silent' }), windowSeconds: 300, onPublished: () => undefined });
    sut.hold();
    await cut(sut, 1, 97_000);
    sut.release(100_000);
    await cut(sut, 2, 99_000);
    await sut.idle();
    expect(storage.text(`live/${sessionId}/480p/index.m3u8`)).toBeUndefined();
    await cut(sut, 3, 101_200);
    await sut.idle();
    expect(published('480p').segments.map((s) => s.uri)).toEqual(['r1_00002.ts']);
    expect(published('360p').segments.map((s) => s.uri)).toEqual(['r1_00002.ts']);
  });
});
