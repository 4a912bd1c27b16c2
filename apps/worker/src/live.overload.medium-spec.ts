import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@onda/media';
import { expectShedAndRestore, overloadedSession, scratchDirPerTest } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

describe(`${LiveSession.name} overload`, () => {
  const scratchDir = scratchDirPerTest('onda-live-');

  it('sheds the top rung when ffmpeg falls below real time and steps back up, the master and its URLs unchanged', { timeout: 120_000 }, async () => {
    const session = await overloadedSession(scratchDir(), { segmentSeconds: 1 });
    const { sessionId, storage, api, key } = session;
    // The shed 480p variant keeps growing with the 360p segments.
    const degraded = await expectShedAndRestore(session, {
      what: 'stand-in segment', cond: () => (storage.text(key('480p/index.m3u8')) ?? '').includes('../360p/r1_'),
    });
    expect(degraded[0]!.reason).toMatch(/^the server is short of CPU \(speed 0\.\d\dx for \d s\)$/);

    const top = parseMediaPlaylist(storage.text(key('480p/index.m3u8'))!);
    const runOf = (uri: string): string => /r(\d+)_/.exec(uri)![1]!;
    // 480p: its own run-0 segments, then (discontinuity) 360p's run-1 segments, then (discontinuity) its own again.
    const runs = top.segments.map((s) => `${s.uri.startsWith('../360p/') ? '360p' : '480p'}:${runOf(s.uri)}`);
    expect([...new Set(runs)]).toEqual(['480p:0', '360p:1', '480p:2']);
    expect(top.segments.filter((s) => s.discontinuity).map((s) => runs[top.segments.indexOf(s)])).toEqual(['360p:1', '480p:2']);
    expect(top.endList).toBe(true);
    for (const r of ['480p', '360p']) {
      const p = parseMediaPlaylist(storage.text(key(`${r}/index.m3u8`))!);
      // Every segment a playlist names is in storage where a player resolves it.
      for (const s of p.segments) expect(storage.objects.has(posix.normalize(`${key(r)}/${s.uri}`)), s.uri).toBe(true);
    }
    // The recording ran on through both load steps: one run of chunks, none lost to the ladder's restarts.
    const chunks = [...storage.objects.keys()].filter((k) => k.startsWith(`vod/${sessionId}/archive/`)).map((k) => k.split('/').at(-1)!);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.every((c) => /^r0_\d{5}\.mp4$/.test(c)), chunks.join(' ')).toBe(true);
    expect(api.events.filter((e) => e.type === 'ffmpeg-exit').map((e) => e.type === 'ffmpeg-exit' && [e.run, e.willRestart])).toEqual([[2, false]]);
  });
});
