import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerEvent } from '@onda/contracts';
import { parseMediaPlaylist } from '@onda/media';
import { overloadedSession, waitFor } from '../test/live-fixtures.js';
import { LiveSession } from './live.session.js';

describe(`${LiveSession.name} overload`, () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'onda-live-'));
  });
  afterEach(() => rm(scratchDir, { recursive: true, force: true }));

  it('sheds the top rung when ffmpeg falls below real time and steps back up, the master and its URLs unchanged', { timeout: 120_000 }, async () => {
    const { sessionId, storage, api, sut, key } = await overloadedSession(scratchDir, { segmentSeconds: 1 });
    const done = sut.execute();
    const degraded = (): Extract<WorkerEvent, { type: 'degraded' }>[] => api.events.filter((e) => e.type === 'degraded');

    await waitFor('ready', () => api.events.some((e) => e.type === 'ready'));
    const master = storage.text(key('master.m3u8'))!;
    await waitFor('shed', () => degraded().length === 1);
    expect(degraded()[0]).toMatchObject({ type: 'degraded', level: 1, maxLevel: 3, renditions: ['360p'] });
    expect(degraded()[0]!.reason).toMatch(/^the server is short of CPU \(speed 0\.\d\dx for \d s\)$/);
    // The shed 480p variant keeps growing with the 360p segments.
    await waitFor('stand-in segment', () => (storage.text(key('480p/index.m3u8')) ?? '').includes('../360p/r1_'));
    await waitFor('restore', () => degraded().length === 2);
    expect(degraded()[1]).toEqual({ type: 'degraded', level: 0, maxLevel: 3, reason: null, renditions: ['480p', '360p'] });
    api.view = { ...api.view, publisherConnected: false };
    expect(await done).toBe('ended');

    // One master, written once: viewers' URL and variants never changed.
    expect(storage.writes.filter((k) => k === key('master.m3u8'))).toHaveLength(1);
    expect(storage.text(key('master.m3u8'))).toBe(master);
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
