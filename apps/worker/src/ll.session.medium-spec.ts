import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BoxReader, LL_LEAD_SEGMENT_PARTS, parseInit, parseLlPlaylist, parseMoof, renderLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { scratchDirPerTest, testSession, waitFor as waitUpTo } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

const waitFor = (what: string, cond: () => boolean): Promise<void> => waitUpTo(what, cond, 40_000);

describe('LiveSession in low-latency mode', () => {
  const scratchDir = scratchDirPerTest('onda-ll-');

  it('packages every rung into parts and segments that the LL-HLS rules accept, and ends with a replay playlist', { timeout: 120_000 }, async () => {
    const { storage, api, sut, key } = testSession(scratchDir(), {
      job: { passthrough: true, segmentSeconds: 2, latencyMode: 'low', source: { width: 854, height: 480, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' } },
      publisherConnected: true, logger: pino({ level: process.env.LL_DEBUG ? 'debug' : 'silent' }),
      input: () => ({ args: ['-re', '-f', 'lavfi'], url: 'testsrc2=size=854x480:rate=30:duration=9[out0];sine=frequency=440:sample_rate=48000:duration=9[out1]' }),
    });
    // Passthrough is off in low-latency mode: every rung is encoded so the parts line up.
    expect(sut.renditions.map((r) => r.name)).toEqual(['480p', '360p']);
    const done = sut.execute();
    await waitFor('ready', () => api.events.some((e) => e.type === 'ready')).catch((err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(api.events)} ${api.models.length} models`);
    });
    expect(storage.text(key('master.m3u8'))).toContain('480p/index.m3u8');
    await waitFor('three segments', () => api.models.filter((m) => m.rendition === '480p' && m.segments.length >= 3).length > 0);
    api.view = { ...api.view, state: 'ended', publisherConnected: false };
    expect(await done).toBe('ended');

    for (const rung of ['480p', '360p']) {
      const models = api.models.filter((m) => m.rendition === rung);
      let previous: string | null = null;
      for (const m of models) {
        const text = renderLlPlaylist(m, { reports: [] });
        expect(validateLlPlaylist(text, { requireParts: !m.ended }), text).toEqual([]);
        if (previous) expect(validateLlUpdate(previous, text)).toEqual([]);
        previous = text;
        // Stored before named: every object the model names is in storage already when it is announced.
        for (const s of m.segments) expect(storage.objects.has(key(`${rung}/${s.uri}`))).toBe(true);
        for (const p of m.open?.parts ?? []) expect(storage.objects.has(key(`${rung}/${p.uri}`))).toBe(true);
      }
      // Playable from the first part on: the first model announced already has a complete segment, that
      // one independent part (hls.js refuses a playlist of parts only); the second segment is two parts and
      // complete as soon as its second is (LL_LEAD_SEGMENT_PARTS), and every segment starts on a keyframe.
      expect(models[0]!.segments.map((s) => s.parts.map((p) => p.independent))).toEqual([[true]]);
      const second = models.find((m) => m.segments.length === 2)!;
      expect(second.segments[1]!.parts.map((p) => p.independent)).toEqual([true, false]);
      expect(second.open).toBeNull();
      expect(models.find((m) => m.segments.length === 3)!.segments[2]!.parts[0]!.independent).toBe(true);
      const live = models.filter((m) => !m.ended).at(-1)!;
      expect(live.partTarget).toBe(0.355);
      const init = storage.objects.get(key(`${rung}/init_r0.mp4`))!.body;
      const tracks = parseInit(new BoxReader().push(init).find((b) => b.type === 'moov')!.data);
      const video = tracks.find((t) => t.handler === 'vide')!;
      for (const seg of live.segments.filter((s) => s.parts.length > 0)) {
        // A segment is the byte concatenation of its parts.
        const parts = seg.parts.map((p) => storage.objects.get(key(`${rung}/${p.uri}`))!.body);
        expect(Buffer.compare(Buffer.concat(parts), storage.objects.get(key(`${rung}/${seg.uri}`))!.body)).toBe(0);
        // INDEPENDENT=YES exactly on parts whose first video sample is a sync sample.
        for (const [i, p] of seg.parts.entries()) {
          const moof = new BoxReader().push(parts[i]!).find((b) => b.type === 'moof')!;
          const frag = parseMoof(moof.data, tracks).find((t) => t.trackId === video.trackId)!;
          expect(p.independent).toBe(frag.startsWithSync);
          expect(frag.sampleCount).toBe(10);
        }
        expect(seg.parts.length).toBe(LL_LEAD_SEGMENT_PARTS[seg.msn] ?? 6);
      }
      // The last announcement is the ended model; the replay playlist lists every segment with ENDLIST.
      expect(models.at(-1)!.ended).toBe(true);
      const replay = parseLlPlaylist(storage.text(key(`${rung}/index.m3u8`))!);
      expect(replay.endList).toBe(true);
      expect(replay.segments.length).toBeGreaterThanOrEqual(4);
      expect(replay.segments.every((s) => s.map === 'init_r0.mp4')).toBe(true);
    }
    // ffprobe decodes init + a segment.
    const file = join(scratchDir(), 'probe.mp4');
    await writeFile(file, Buffer.concat([storage.objects.get(key('480p/init_r0.mp4'))!.body, storage.objects.get(key('480p/s2.m4s'))!.body]));
    const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width', '-of', 'json', file]);
    expect(JSON.parse(stdout).streams[0]).toMatchObject({ width: 854, nb_read_frames: '60' });
    expect(api.events.at(-1)).toMatchObject({ type: 'ended' });
  });

  it('marks an ffmpeg restart as a discontinuity with a new init segment, and a takeover continues the sequence', { timeout: 120_000 }, async () => {
    const input = () => ({ args: ['-re', '-f', 'lavfi'], url: 'testsrc2=size=640x360:rate=30[out0];sine=frequency=440:sample_rate=48000[out1]' });
    const abort = new AbortController();
    const { job, storage, api, sut, key } = testSession(scratchDir(), {
      job: { segmentSeconds: 2, latencyMode: 'low', source: { width: 640, height: 360, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' } },
      publisherConnected: true, input, signal: abort.signal,
    });
    const done = sut.execute();
    const segments = (n: number) => () => api.models.some((m) => m.rendition === '360p' && m.segments.length >= n);
    await waitFor('two segments', segments(2));
    const pid = sut.ffmpegPid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('restart', () => sut.ffmpegPid !== undefined && sut.ffmpegPid !== pid);
    await waitFor('a segment of the second run', () => api.models.some((m) => m.segments.some((s) => s.map === 'init_r1.mp4')));
    const restarted = api.models.filter((m) => m.segments.some((s) => s.map === 'init_r1.mp4')).at(-1)!;
    const firstOfRun = restarted.segments.find((s) => s.map === 'init_r1.mp4')!;
    expect(firstOfRun.discontinuity).toBe(true);
    const text = renderLlPlaylist(restarted);
    expect(validateLlPlaylist(text, { requireParts: true })).toEqual([]);
    expect(text).toMatch(/#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init_r1.mp4"/);
    // The worker shuts down (interrupted): another one takes the broadcast over from storage.
    abort.abort();
    expect(await done).toBe('interrupted');
    const lastMsn = Math.max(...api.models.map((m) => m.mediaSequence + m.segments.length - 1));
    const next = new LiveSession({ job, storage, api, scratchDir: scratchDir(), logger: pino({ level: 'silent' }), input: () => ({ ...input(), url: input().url.replace(/\[out0\]/, ':duration=5[out0]').replace(/\[out1\]/, ':duration=5[out1]') }) });
    const count = api.models.length;
    api.view = { ...api.view, publisherConnected: true };
    const finished = next.execute();
    await waitFor('the takeover to publish', () => api.models.slice(count).some((m) => m.segments.some((s) => s.map === 'init_r2.mp4')));
    api.view = { ...api.view, state: 'ended', publisherConnected: false };
    expect(await finished).toBe('ended');
    const final = api.models.filter((m) => m.rendition === '360p').at(-1)!;
    expect(final.ended).toBe(true);
    const taken = final.segments.find((s) => s.map === 'init_r2.mp4')!;
    expect(taken.msn).toBeGreaterThan(lastMsn);
    expect(taken.discontinuity).toBe(true);
    const replay = storage.text(key('360p/index.m3u8'))!;
    expect(replay.match(/#EXT-X-DISCONTINUITY/g)).toHaveLength(2);
    expect(validateLlPlaylist(replay)).toEqual([]);
  });
});
