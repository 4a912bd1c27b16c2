import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@onda/media';
import { MemoryStorage } from '../test/memory-storage.js';
import { FULL_PLAYLIST, PlaylistPublisher } from './playlist-publisher.js';

describe(PlaylistPublisher.name, () => {
  let dir: string;
  let storage: MemoryStorage;
  let sut: PlaylistPublisher;

  const segment = async (uri: string): Promise<string> => {
    const path = join(dir, uri);
    await writeFile(path, `ts:${uri}`);
    return path;
  };
  const published = () => parseMediaPlaylist(storage.text('live/s/720p/index.m3u8')!);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onda-pub-'));
    storage = new MemoryStorage();
    sut = new PlaylistPublisher({ storage, keyPrefix: 'live/s/720p', segmentSeconds: 2, logger: pino({ level: 'silent' }), retry: { baseMs: 1, maxMs: 2 } });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uploads each segment before the playlist that names it, with immutable vs short caching', async () => {
    void sut.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2);
    await sut.addSegment(await segment('r0_00001.ts'), 'r0_00001.ts', 2);
    expect(storage.writes).toEqual(['live/s/720p/r0_00000.ts', 'live/s/720p/index.m3u8', 'live/s/720p/r0_00001.ts', 'live/s/720p/index.m3u8']);
    expect(storage.objects.get('live/s/720p/r0_00000.ts')!.options).toEqual({ contentType: 'video/mp2t', cacheControl: 'public, max-age=31536000, immutable' });
    expect(storage.objects.get('live/s/720p/index.m3u8')!.options).toEqual({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=0, s-maxage=1' });
    expect(published()).toMatchObject({ playlistType: 'EVENT', mediaSequence: 0, endList: false, segments: [{ uri: 'r0_00000.ts' }, { uri: 'r0_00001.ts' }] });
    // Uploaded segments leave the scratch disk.
    await expect(access(join(dir, 'r0_00000.ts'))).rejects.toThrow();
  });

  it('marks the first segment after a restart as a discontinuity, but not the very first segment', async () => {
    sut.markDiscontinuity();
    await sut.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2);
    sut.markDiscontinuity();
    await sut.addSegment(await segment('r1_00000.ts'), 'r1_00000.ts', 2);
    await sut.addSegment(await segment('r1_00001.ts'), 'r1_00001.ts', 2);
    expect(published().segments.map((s) => s.discontinuity)).toEqual([false, true, false]);
    expect(storage.text('live/s/720p/index.m3u8')).toContain('#EXTINF:2.000,\nr0_00000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nr1_00000.ts\n');
  });

  it('appends ENDLIST on finish and reports the media duration', async () => {
    await sut.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2);
    await sut.addSegment(await segment('r0_00001.ts'), 'r0_00001.ts', 1.5);
    await sut.finish();
    expect(published().endList).toBe(true);
    expect(storage.text('live/s/720p/index.m3u8')!.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(sut.mediaSeconds).toBe(3.5);
  });

  it('retries failed uploads and still keeps the order', async () => {
    storage.failNext = 2;
    await sut.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2);
    expect(storage.writes).toEqual(['live/s/720p/r0_00000.ts', 'live/s/720p/index.m3u8']);
  });

  it('never names a segment that could not be uploaded, and marks the gap', async () => {
    const flaky = new PlaylistPublisher({ storage, keyPrefix: 'live/s/720p', segmentSeconds: 2, logger: pino({ level: 'silent' }), retry: { attempts: 2, baseMs: 1, maxMs: 1 } });
    await flaky.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2);
    storage.failNext = 2;
    await flaky.addSegment(await segment('r0_00001.ts'), 'r0_00001.ts', 2);
    await flaky.addSegment(await segment('r0_00002.ts'), 'r0_00002.ts', 2);
    expect(published().segments.map((s) => [s.uri, s.discontinuity])).toEqual([['r0_00000.ts', false], ['r0_00002.ts', true]]);
  });

  it('holds segments through a storage outage longer than the old 8 attempts and publishes them all, in order', async () => {
    // The default budget (SEGMENT_UPLOAD_BUDGET_MS) with fast backoff: 40 failed writes in a row is an outage
    // that 8 attempts used to turn into skipped segments.
    const patient = new PlaylistPublisher({ storage, keyPrefix: 'live/s/720p', segmentSeconds: 2, logger: pino({ level: 'silent' }), retry: { baseMs: 1, maxMs: 2 } });
    storage.failNext = 40;
    // Files are written first so the hand-overs happen in order (a map over async writers raced the writes).
    const uris = ['r0_00000.ts', 'r0_00001.ts', 'r0_00002.ts'];
    const paths: string[] = [];
    for (const uri of uris) paths.push(await segment(uri));
    const pending = uris.map((uri, i) => patient.addSegment(paths[i]!, uri, 2));
    expect(await Promise.all(pending)).toEqual([true, true, true]);
    expect(published().segments.map((s) => [s.uri, s.discontinuity])).toEqual([['r0_00000.ts', false], ['r0_00001.ts', false], ['r0_00002.ts', false]]);
  });

  it('gives a segment up once its budget is spent, counted from its hand-over', async () => {
    const strict = new PlaylistPublisher({ storage, keyPrefix: 'live/s/720p', segmentSeconds: 2, logger: pino({ level: 'silent' }), retry: { baseMs: 20, maxMs: 20, deadlineMs: 100 } });
    storage.failNext = 1_000_000;
    const started = Date.now();
    expect(await strict.addSegment(await segment('r0_00000.ts'), 'r0_00000.ts', 2)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    storage.failNext = 0;
  });

  it('continues a playlist restored from storage with a discontinuity', async () => {
    sut.restore(parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nr0_00000.ts\n#EXT-X-ENDLIST\n'));
    expect(sut.has('r0_00000.ts')).toBe(true);
    await sut.addSegment(await segment('r1_00000.ts'), 'r1_00000.ts', 2);
    expect(published()).toMatchObject({ endList: false, segments: [{ uri: 'r0_00000.ts', discontinuity: false }, { uri: 'r1_00000.ts', discontinuity: true }] });
  });

  it('keeps a 4-hour broadcast\'s live playlist to its window while the whole timeline stays for the replay', { timeout: 60_000 }, async () => {
    const windowed = new PlaylistPublisher({ storage, keyPrefix: 'live/s/720p', segmentSeconds: 2, logger: pino({ level: 'silent' }), windowSeconds: 300 });
    const total = 7200;
    // An encoder drop every 1,000 segments: each restart is a discontinuity.
    const restarts = new Set([1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    let largest = 0;
    const path = await segment('seg.ts');
    for (let i = 0; i < total; i++) {
      if (restarts.has(i)) windowed.markDiscontinuity();
      await writeFile(path, 'ts');
      await windowed.addSegment(path, `r${Math.floor(i / 1000)}_${String(i).padStart(5, '0')}.ts`, 2);
      largest = Math.max(largest, storage.text('live/s/720p/index.m3u8')!.length);
      if (i === 4500) {
        const live = published();
        // 300 s of 2 s segments; numbering continues the whole timeline's.
        expect(live.segments).toHaveLength(150);
        expect(live.mediaSequence).toBe(4501 - 150);
        expect(live.discontinuitySequence).toBe(4);
        expect(live.playlistType).toBeNull();
        expect(live.segments[0]!.uri).toBe('r4_04351.ts');
      }
    }
    // Bounded: never more than the window's 150 segments (~4 KB), whatever the length of the broadcast.
    expect(largest).toBeLessThan(6000);
    const live = published();
    expect([live.mediaSequence, live.segments.length, live.discontinuitySequence]).toEqual([total - 150, 150, 7]);
    // The whole timeline is rewritten every 15 segments while live...
    const full = parseMediaPlaylist(storage.text(`live/s/720p/${FULL_PLAYLIST}`)!);
    expect(full.segments.length).toBeGreaterThan(total - 15);
    expect(full.playlistType).toBe('EVENT');
    // ...and at the end both the replay's index.m3u8 and full.m3u8 hold every segment, in order, with ENDLIST.
    await windowed.finish();
    for (const name of ['index.m3u8', FULL_PLAYLIST]) {
      const whole = parseMediaPlaylist(storage.text(`live/s/720p/${name}`)!);
      expect(whole.endList).toBe(true);
      expect(whole.mediaSequence).toBe(0);
      expect(whole.segments).toHaveLength(total);
      expect(whole.segments.map((s) => s.uri)[4321]).toBe('r4_04321.ts');
      expect(whole.segments.filter((s) => s.discontinuity)).toHaveLength(7);
    }
    expect(windowed.mediaSeconds).toBe(total * 2);
  });
});
