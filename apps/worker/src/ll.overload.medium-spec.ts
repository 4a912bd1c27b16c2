import { describe, expect, it } from 'vitest';
import { parseLlPlaylist, renderLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { expectShedAndRestore, overloadedSession, scratchDirPerTest } from '../test/live-fixtures.js';

describe('LiveSession in low-latency mode under overload', () => {
  const scratchDir = scratchDirPerTest('onda-ll-load-');

  it('sheds the top rung by restart (discontinuity, new init, sequence continued) and steps back up, every variant growing', { timeout: 150_000 }, async () => {
    const session = await overloadedSession(scratchDir(), { segmentSeconds: 2, latencyMode: 'low' });
    const { sessionId, storage, api, sut, key } = session;
    expect(sut.renditions.map((r) => r.name)).toEqual(['480p', '360p']);
    // The shed 480p variant keeps growing, packaged from the 360p stream of run 1.
    await expectShedAndRestore(session, {
      what: 'a 480p segment of run 1', cond: () => api.models.some((m) => m.rendition === '480p' && m.segments.some((s) => s.map === 'init_r1.mp4')),
    });

    // Run 1 (the shed step) made no 480p encode: 480p's init and parts of that run are 360p's bytes.
    const body = (name: string): Buffer => storage.objects.get(key(name))!.body;
    expect(Buffer.compare(body('480p/init_r1.mp4'), body('360p/init_r1.mp4'))).toBe(0);
    expect(Buffer.compare(body('480p/r1p3.m4s'), body('360p/r1p3.m4s'))).toBe(0);
    expect(Buffer.compare(body('480p/init_r2.mp4'), body('360p/init_r2.mp4'))).not.toBe(0);

    for (const rung of ['480p', '360p']) {
      const models = api.models.filter((m) => m.rendition === rung);
      let previous: string | null = null;
      for (const m of models) {
        // Every playlist a viewer could have loaded follows the LL-HLS rules, and each update the one before.
        const text = renderLlPlaylist(m);
        expect(validateLlPlaylist(text, { requireParts: !m.ended }), text).toEqual([]);
        if (previous) expect(validateLlUpdate(previous, text), text).toEqual([]);
        previous = text;
      }
      // The whole broadcast: one media sequence across the three runs, a discontinuity and a new init at each step.
      const replay = parseLlPlaylist(storage.text(key(`${rung}/index.m3u8`))!);
      expect(replay.endList).toBe(true);
      expect(replay.segments.map((s) => s.uri)).toEqual(replay.segments.map((_, msn) => `s${msn}.m4s`));
      expect([...new Set(replay.segments.map((s) => s.map))]).toEqual(['init_r0.mp4', 'init_r1.mp4', 'init_r2.mp4']);
      expect(replay.segments.filter((s) => s.discontinuity).map((s) => s.map)).toEqual(['init_r1.mp4', 'init_r2.mp4']);
      for (const s of replay.segments) expect(storage.objects.has(key(`${rung}/${s.uri}`)), s.uri).toBe(true);
    }
    // The recording ran on through both load steps: one run of chunks.
    const chunks = [...storage.objects.keys()].filter((k) => k.startsWith(`vod/${sessionId}/archive/`)).map((k) => k.split('/').at(-1)!);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.every((c) => /^r0_\d{5}\.mp4$/.test(c)), chunks.join(' ')).toBe(true);
    expect(api.events.filter((e) => e.type === 'ffmpeg-exit').map((e) => e.type === 'ffmpeg-exit' && [e.run, e.willRestart])).toEqual([[2, false]]);
  });
});
