import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveJob, LlPlaylistModel, Rendition } from '@onda/contracts';
import { renderLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { box, NON_SYNC, u32 } from '@onda/media/fmp4-build';
import { MemoryStorage } from '../test/memory-storage.js';
import { LlOutputs } from './ll-outputs.js';

// Synthetic fMP4 as ffmpeg writes it in low latency: one video track, parts of 10 frames at 30 fps (1/3 s),
// a keyframe on the first part, on the second (the run's one-part first segment) and every 6 parts (2 s) after.
const TIMESCALE = 15360;
const FRAME = 512;
const PART_MS = 1000 / 3;
const init = Buffer.concat([
  box('ftyp', Buffer.from('isom')),
  box('moov', box('trak', box('tkhd', u32(0, 0, 0, 1)), box('mdia', box('mdhd', u32(0, 0, 0, TIMESCALE)), box('hdlr', u32(0, 0), Buffer.from('vide'))))),
]);
const keyframe = (seq: number): boolean => seq === 0 || (seq - 1) % 6 === 0;
const part = (seq: number, tag: string): Buffer => {
  const tfdt = Buffer.alloc(12);
  tfdt.writeUInt32BE(0x01000000, 0);
  tfdt.writeBigUInt64BE(BigInt(seq * 10 * FRAME), 4);
  const trun = box('trun', u32(0x000105, 10, 0, keyframe(seq) ? 0x02000000 : NON_SYNC), u32(...Array<number>(10).fill(FRAME)));
  const moof = box('moof', box('mfhd', u32(0, seq + 1)), box('traf', box('tfhd', u32(0x020020, 1, NON_SYNC)), box('tfdt', tfdt), trun));
  return Buffer.concat([moof, box('mdat', Buffer.from(`${tag}:${seq}`))]);
};

const sessionId = randomUUID();
const job: LiveJob = {
  sessionId, channelId: randomUUID(), pullUrl: 'rtmp://unused/live/x', profile: 'default', passthrough: false, segmentSeconds: 2,
  storagePrefix: `live/${sessionId}`, latencyMode: 'low',
  source: { width: 854, height: 480, fps: 30, hasAudio: false, videoCodec: 'h264', audioCodec: null },
};
const renditions = ['480p', '360p'].map((name) => ({ name }) as Rendition);

describe('LlOutputs across a hand-over', () => {
  const storage = new MemoryStorage();
  const models: { by: string; model: LlPlaylistModel }[] = [];
  const outputs = (by: string): LlOutputs => new LlOutputs({
    job, renditions, storage, logger: pino({ level: 'silent' }), onPart: () => undefined,
    announce: async (model) => void models.push({ by, model }),
  });
  /** Feeds part `seq` of run `run` to a rendition at wall clock `at` (ms): the moment ffmpeg wrote it. */
  const feed = (o: LlOutputs, rendition: string, seq: number, at: number): void => {
    vi.setSystemTime(at);
    o.packagers.get(rendition)!.feed(part(seq, rendition));
  };
  const start = (o: LlOutputs, run: number): void => {
    for (const p of o.packagers.values()) {
      p.startRun(run);
      p.feed(init);
    }
  };
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('continues the predecessor\'s sealed playlists from the successor\'s first segment past the seam, in every rendition', async () => {
    const t0 = 1_000_000;
    // The predecessor (run 0) publishes parts 0..15: segments [0], [1-6], [7-12], open [13-15], then is told to stop.
    const a = outputs('a');
    start(a, 0);
    for (let seq = 0; seq <= 15; seq++) for (const r of ['480p', '360p']) feed(a, r, seq, t0 + (seq + 1) * PART_MS);
    await a.idle();
    const lastAt = t0 + 16 * PART_MS;

    // The successor (run 1) started 3 s after it: its segment starts are at t1 + 0, 1/3 s, 2 1/3 s, 4 1/3 s...
    const t1 = t0 + 3000;
    const b = outputs('b');
    b.hold();
    start(b, 1);
    feed(b, '480p', 0, t1 + PART_MS);
    feed(b, '360p', 0, t1 + PART_MS);
    expect(b.holdingComplete).toBe(false);
    for (let seq = 1; seq <= 9; seq++) feed(b, '480p', seq, t1 + (seq + 1) * PART_MS);
    // The 360p stream lags behind: its parts from 7 on arrive after the release.
    for (let seq = 1; seq <= 6; seq++) feed(b, '360p', seq, t1 + (seq + 1) * PART_MS);
    expect(b.holdingComplete).toBe(true);
    await b.idle();
    expect(models.filter((m) => m.by === 'b')).toEqual([]);

    // The predecessor stops: its open segment is closed and stored; then the successor restores and releases.
    await a.seal();
    const sealed = models.filter((m) => m.by === 'a' && m.model.rendition === '480p').at(-1)!.model;
    expect(sealed.open).toBeNull();
    expect(sealed.preloadHint).toBeNull();
    expect(sealed.segments.map((s) => s.parts.length)).toEqual([0, 6, 6, 3]);
    await b.restore();
    b.release(lastAt);
    for (let seq = 7; seq <= 13; seq++) feed(b, '360p', seq, t1 + (seq + 1) * PART_MS + 50);
    for (let seq = 10; seq <= 13; seq++) feed(b, '480p', seq, t1 + (seq + 1) * PART_MS);
    await b.idle();

    for (const rendition of ['480p', '360p']) {
      const mine = models.filter((m) => m.model.rendition === rendition);
      const first = mine.findIndex((m) => m.by === 'b');
      // Every announcement continues the one before, across the two workers.
      for (const [i, m] of mine.entries()) {
        const text = renderLlPlaylist(m.model, { reports: [] });
        expect(validateLlPlaylist(text, { requireParts: true }), text).toEqual([]);
        if (i > 0) expect(validateLlUpdate(renderLlPlaylist(mine[i - 1]!.model, { reports: [] }), text), text).toEqual([]);
      }
      // The seam: the successor's segment starting at part 7 (t1 + 2 1/3 s = the predecessor's end), after
      // msn 3, with a discontinuity and the successor's init; the held parts before it are never stored.
      const taken = mine[first]!.model;
      expect(taken.segments.map((s) => s.msn)).toEqual([0, 1, 2, 3]);
      expect(taken.open).toMatchObject({ discontinuity: true, map: 'init_r1.mp4', parts: [{ uri: 'r1p7.m4s', independent: true }] });
      const last = mine.at(-1)!.model;
      expect(last.segments.at(-1)).toMatchObject({ msn: 4, uri: 's4.m4s', discontinuity: true, map: 'init_r1.mp4' });
      expect(last.segments.at(-1)!.parts.map((p) => p.uri)).toEqual([7, 8, 9, 10, 11, 12].map((n) => `r1p${n}.m4s`));
      expect(last.open!.parts.map((p) => p.uri)).toEqual(['r1p13.m4s']);
      expect(last.preloadHint).toBe('r1p14.m4s');
      const stored = (uri: string): boolean => storage.objects.has(`live/${sessionId}/${rendition}/${uri}`);
      expect([0, 1, 6].map((n) => stored(`r1p${n}.m4s`))).toEqual([false, false, false]);
      expect(stored('init_r1.mp4') && stored('s4.m4s')).toBe(true);
      expect(storage.objects.get(`live/${sessionId}/${rendition}/s4.m4s`)!.body.toString('latin1')).toContain(`${rendition}:7`);
    }
  });
});
