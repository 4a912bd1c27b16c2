import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@onda/media';
import { scratchDirPerTest, testSession, waitFor } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

describe(LiveSession.name, () => {
  const scratchDir = scratchDirPerTest('onda-live-');

  it('publishes, survives an ffmpeg crash with a discontinuity, and finishes with ENDLIST', { timeout: 90_000 }, async () => {
    const pulled: string[] = [];
    const { sessionId, storage, api, sut, key } = testSession(scratchDir(), {
      job: { segmentSeconds: 1, source: { width: 854, height: 480, fps: 25, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' } },
      publisherConnected: true, healthIntervalMs: 1000,
      // Real time like an encoder; the second run ends by itself after 3 s, like a publisher that stops.
      input: (run, pullUrl) => (pulled.push(pullUrl), {
        args: ['-re', '-f', 'lavfi'],
        url: `testsrc2=size=854x480:rate=25${run > 0 ? ':duration=3' : ''}[out0];sine=frequency=440:sample_rate=48000${run > 0 ? ':duration=3' : ''}[out1]`,
      }),
    });
    const done = sut.execute();

    await waitFor('ready', () => api.events.some((e) => e.type === 'ready'), 30_000);
    expect(api.events.find((e) => e.type === 'ready')).toEqual({ type: 'ready', renditions: ['480p', '360p'] });
    const master = storage.text(key('master.m3u8'))!;
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(2);
    expect(master).toContain('RESOLUTION=854x480,FRAME-RATE=25.000,CODECS="avc1.64001e,mp4a.40.2"\n480p/index.m3u8');
    for (const r of ['480p', '360p']) {
      const p = parseMediaPlaylist(storage.text(key(`${r}/index.m3u8`))!);
      expect(p.segments.length).toBeGreaterThan(0);
      // The master went up only after every rendition had a segment, and each segment before its playlist.
      expect(storage.writes.indexOf(key(`${r}/${p.segments[0]!.uri}`))).toBeLessThan(storage.writes.indexOf(key('master.m3u8')));
      expect(storage.writes.indexOf(key(`${r}/${p.segments[0]!.uri}`))).toBeLessThan(storage.writes.indexOf(key(`${r}/index.m3u8`)));
    }

    // The encoder reconnects through the balancer to another ingest node, which has not reported yet:
    // the worker waits for where to pull instead of pulling the old node.
    api.view = { ...api.view, pullUrl: null };
    const pid = sut.ffmpegPid!;
    process.kill(pid, 'SIGKILL');
    await sleep(1500);
    expect(sut.ffmpegPid).toBeUndefined();
    api.view = { ...api.view, pullUrl: 'rtmp://10.0.0.2:1935/live/x?token=t' };
    await waitFor('restart', () => sut.ffmpegPid !== undefined && sut.ffmpegPid !== pid, 30_000);
    await waitFor('discontinuity', () => ['480p', '360p'].every((r) => /#EXT-X-DISCONTINUITY\n#EXTINF:[\d.]+,\nr1_00000\.ts/.test(storage.text(key(`${r}/index.m3u8`))!)), 30_000);
    api.view = { ...api.view, publisherConnected: false };

    expect(await done).toBe('ended');
    for (const r of ['480p', '360p']) {
      const p = parseMediaPlaylist(storage.text(key(`${r}/index.m3u8`))!);
      expect(p.endList).toBe(true);
      expect(p.segments.filter((s) => s.discontinuity).map((s) => s.uri)).toEqual(['r1_00000.ts']);
      for (const s of p.segments) expect(storage.objects.has(key(`${r}/${s.uri}`))).toBe(true);
    }
    expect(pulled).toEqual(['rtmp://unused/live/x', 'rtmp://10.0.0.2:1935/live/x?token=t']);
    const exits = api.events.filter((e) => e.type === 'ffmpeg-exit');
    expect(exits).toEqual([
      { type: 'ffmpeg-exit', run: 0, code: null, signal: 'SIGKILL', reason: 'ffmpeg was killed by SIGKILL', willRestart: true },
      { type: 'ffmpeg-exit', run: 1, code: 0, signal: null, reason: null, willRestart: false },
    ]);
    expect(api.events.some((e) => e.type === 'health' && e.fps !== null)).toBe(true);
    const ended = api.events.at(-1)!;
    expect(ended.type).toBe('ended');
    expect(ended.type === 'ended' && ended.mediaSeconds).toBeGreaterThan(3);
    await expect(access(join(scratchDir(), sessionId))).rejects.toThrow();
  });

  it('on shutdown stops ffmpeg, keeps what was published and leaves the session open', { timeout: 60_000 }, async () => {
    const shutdown = new AbortController();
    const { storage, api, sut, key } = testSession(scratchDir(), {
      job: { segmentSeconds: 1, source: { width: 640, height: 360, fps: 25, hasAudio: false, videoCodec: 'h264', audioCodec: null } },
      publisherConnected: true, signal: shutdown.signal,
      input: () => ({ args: ['-re', '-f', 'lavfi'], url: 'testsrc2=size=640x360:rate=25' }),
    });
    const done = sut.execute();
    await waitFor('ready', () => api.events.some((e) => e.type === 'ready'), 30_000);
    shutdown.abort();

    expect(await done).toBe('interrupted');
    const p = parseMediaPlaylist(storage.text(key('360p/index.m3u8'))!);
    expect(p.endList).toBe(false);
    expect(p.segments.length).toBeGreaterThan(0);
    expect(api.events.map((e) => e.type)).not.toContain('ended');
    expect(api.events.filter((e) => e.type === 'ffmpeg-exit')).toEqual([
      { type: 'ffmpeg-exit', run: 0, code: 255, signal: null, reason: null, willRestart: false },
    ]);
  });
});
