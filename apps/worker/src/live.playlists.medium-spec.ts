import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist, probe } from '@onda/media';
import { scratchDirPerTest, testSession } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

describe(`${LiveSession.name} sliding window and audio only`, () => {
  const scratchDir = scratchDirPerTest('onda-live-');

  it('slides the live playlists over 1 s segments and leaves the whole broadcast as the replay', { timeout: 90_000 }, async () => {
    const { sessionId, storage, sut } = testSession(scratchDir(), {
      job: { segmentSeconds: 1, source: { width: 640, height: 360, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null } },
      publisherConnected: false, windowSeconds: 4,
      input: () => ({ args: ['-re', '-f', 'lavfi'], url: 'testsrc2=size=640x360:rate=25:duration=14' }),
    });
    const done = sut.execute();
    const key = `live/${sessionId}/360p/index.m3u8`;
    const seen: { sequence: number; count: number }[] = [];
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      const text = storage.text(key);
      if (text && !text.includes('#EXT-X-ENDLIST')) {
        const p = parseMediaPlaylist(text);
        seen.push({ sequence: p.mediaSequence, count: p.segments.length });
      }
      await sleep(200);
    }
    expect(await done).toBe('ended');
    // While live: never more than the 4 s window (plus the segment that crosses it), and it did slide.
    expect(Math.max(...seen.map((s) => s.count))).toBeLessThanOrEqual(5);
    expect(Math.max(...seen.map((s) => s.sequence))).toBeGreaterThanOrEqual(8);
    // Ended: the replay (same master, same index.m3u8) holds the whole 14 s, every segment in storage.
    const replay = parseMediaPlaylist(storage.text(key)!);
    expect(replay.endList).toBe(true);
    expect(replay.mediaSequence).toBe(0);
    expect(replay.segments.reduce((a, s) => a + s.duration, 0)).toBeCloseTo(14, 0);
    for (const s of replay.segments) expect(storage.objects.has(`live/${sessionId}/360p/${s.uri}`)).toBe(true);
    const full = parseMediaPlaylist(storage.text(`live/${sessionId}/360p/full.m3u8`)!);
    expect([full.endList, full.segments]).toEqual([true, replay.segments]);
  });

  it('plays an audio-only publish as audio-only HLS: AAC segments, a master with CODECS mp4a only', { timeout: 60_000 }, async () => {
    const { sessionId, storage, api, sut } = testSession(scratchDir(), {
      job: { passthrough: true, segmentSeconds: 1, source: { width: 0, height: 0, fps: 0, hasAudio: true, hasVideo: false, videoCodec: null, audioCodec: 'aac' } },
      publisherConnected: false,
      input: () => ({ args: ['-re', '-f', 'lavfi'], url: 'sine=frequency=440:sample_rate=44100:duration=5' }),
    });
    expect(await sut.execute()).toBe('ended');
    expect(api.events.find((e) => e.type === 'ready')).toEqual({ type: 'ready', renditions: ['audio'] });
    expect(api.events.some((e) => e.type === 'degraded')).toBe(false);
    const master = storage.text(`live/${sessionId}/master.m3u8`)!;
    expect(master).toBe('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=140800,AVERAGE-BANDWIDTH=128000,CODECS="mp4a.40.2"\naudio/index.m3u8\n');
    const playlist = parseMediaPlaylist(storage.text(`live/${sessionId}/audio/index.m3u8`)!);
    expect(playlist.endList).toBe(true);
    expect(playlist.segments.reduce((a, s) => a + s.duration, 0)).toBeCloseTo(5, 0);
    // What a player gets: MPEG-TS with one AAC stream, 48 kHz stereo.
    const file = join(scratchDir(), 'probe.ts');
    await writeFile(file, storage.objects.get(`live/${sessionId}/audio/${playlist.segments[1]!.uri}`)!.body);
    const info = await probe(file);
    expect(info.streams.map((st) => [st.codec_type, st.codec_name, st.sample_rate, st.channels])).toEqual([['audio', 'aac', '48000', 2]]);
  });
});
