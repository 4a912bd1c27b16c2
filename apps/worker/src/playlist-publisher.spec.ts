import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@onda/media';
import { MemoryStorage } from '../test/memory-storage.js';
import { PlaylistPublisher } from './playlist-publisher.js';

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
    expect(storage.objects.get('live/s/720p/index.m3u8')!.options).toEqual({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=1' });
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

  it('continues a playlist restored from storage with a discontinuity', async () => {
    sut.restore(parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nr0_00000.ts\n#EXT-X-ENDLIST\n'));
    expect(sut.has('r0_00000.ts')).toBe(true);
    await sut.addSegment(await segment('r1_00000.ts'), 'r1_00000.ts', 2);
    expect(published()).toMatchObject({ endList: false, segments: [{ uri: 'r0_00000.ts', discontinuity: false }, { uri: 'r1_00000.ts', discontinuity: true }] });
  });
});
