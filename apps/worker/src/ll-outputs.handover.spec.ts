import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveJob, LlPlaylistModel, Rendition } from '@onda/contracts';
import { renderLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { box, NON_SYNC, u32 } from '@onda/media/fmp4-build';
import { MemoryStorage } from '../test/memory-storage.js';
import { LlOutputs } from './ll-outputs.js';
import { leadSegmentsBefore } from './ll-packager.js';

// Synthetic fMP4 as ffmpeg writes it in low latency: one video track, parts of 10 frames at 30 fps (1/3 s),
// keyframes where LL_LEAD_SEGMENT_PARTS puts them (lead segments of one part and two parts) and every 6 parts (2 s) after.
const TIMESCALE = 15360;
const FRAME = 512;
const PART_MS = 1000 / 3;
const init = Buffer.concat([
  box('ftyp', Buffer.from('isom')),
  box('moov', box('trak', box('tkhd', u32(0, 0, 0, 1)), box('mdia', box('mdhd', u32(0, 0, 0, TIMESCALE)), box('hdlr', u32(0, 0), Buffer.from('vide'))))),
]);
const keyframe = (seq: number): boolean => seq === 0 || seq === 1 || (seq >= 3 && (seq - 3) % 6 === 0);
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
    // The predecessor (run 0) publishes parts 0..15: segments [0], [1-2], [3-8], [9-14], open [15], then is told to stop.
    const a = outputs('a');
    start(a, 0);
    for (let seq = 0; seq <= 15; seq++) for (const r of ['480p', '360p']) feed(a, r, seq, t0 + (seq + 1) * PART_MS);
    await a.idle();
    const lastAt = t0 + 16 * PART_MS;

    // The successor (run 1) started 3 s after it: its segment starts are at t1 + 0, 1/3 s, 1 s, 3 s, 5 s...
    const t1 = t0 + 3000;
    const b = outputs('b');
    b.hold();
    start(b, 1);
    feed(b, '480p', 0, t1 + PART_MS);
    feed(b, '360p', 0, t1 + PART_MS);
    expect(b.holdingComplete).toBe(false);
    for (let seq = 1; seq <= 11; seq++) feed(b, '480p', seq, t1 + (seq + 1) * PART_MS);
    // The 360p stream lags behind: its parts from 9 on arrive after the release.
    for (let seq = 1; seq <= 8; seq++) feed(b, '360p', seq, t1 + (seq + 1) * PART_MS);
    expect(b.holdingComplete).toBe(true);
    await b.idle();
    expect(models.filter((m) => m.by === 'b')).toEqual([]);

    // The predecessor stops: its open segment is closed and stored; then the successor restores and releases.
    await a.seal();
    const sealed = models.filter((m) => m.by === 'a' && m.model.rendition === '480p').at(-1)!.model;
    expect(sealed.open).toBeNull();
    expect(sealed.preloadHint).toBeNull();
    expect(sealed.segments.map((s) => s.parts.length)).toEqual([0, 0, 6, 6, 1]);
    await b.restore();
    b.release(lastAt);
    for (let seq = 9; seq <= 15; seq++) feed(b, '360p', seq, t1 + (seq + 1) * PART_MS + 50);
    for (let seq = 12; seq <= 15; seq++) feed(b, '480p', seq, t1 + (seq + 1) * PART_MS);
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
      // The seam: the successor's first segment starting no earlier than half a segment before the
      // predecessor's end (t1 + 2 1/3 s): part 9 (t1 + 3 s), after msn 4, with a discontinuity and the
      // successor's init; the held parts before it are never stored.
      const taken = mine[first]!.model;
      expect(taken.segments.map((s) => s.msn)).toEqual([0, 1, 2, 3, 4]);
      expect(taken.open).toMatchObject({ discontinuity: true, map: 'init_r1.mp4', parts: [{ uri: 'r1p9.m4s', independent: true }] });
      const last = mine.at(-1)!.model;
      expect(last.segments.at(-1)).toMatchObject({ msn: 5, uri: 's5.m4s', discontinuity: true, map: 'init_r1.mp4' });
      expect(last.segments.at(-1)!.parts.map((p) => p.uri)).toEqual([9, 10, 11, 12, 13, 14].map((n) => `r1p${n}.m4s`));
      expect(last.open!.parts.map((p) => p.uri)).toEqual(['r1p15.m4s']);
      expect(last.preloadHint).toBe('r1p16.m4s');
      const stored = (uri: string): boolean => storage.objects.has(`live/${sessionId}/${rendition}/${uri}`);
      expect([0, 1, 3, 8].map((n) => stored(`r1p${n}.m4s`))).toEqual([false, false, false, false]);
      expect(stored('init_r1.mp4') && stored('s5.m4s')).toBe(true);
      expect(storage.objects.get(`live/${sessionId}/${rendition}/s5.m4s`)!.body.toString('latin1')).toContain(`${rendition}:9`);
    }
  });
});

describe('LlOutputs lead segments', () => {
  it('closes a run\'s one-part and two-part lead segments as soon as their last part is stored, then segments on keyframes', async () => {
    const storage = new MemoryStorage();
    const models: LlPlaylistModel[] = [];
    const o = new LlOutputs({ job, renditions: renditions.slice(0, 1), storage, logger: pino({ level: 'silent' }), onPart: () => undefined, announce: async (m) => void models.push(m) });
    const p = o.packagers.get('480p')!;
    p.startRun(0);
    p.feed(init);
    for (let seq = 0; seq <= 10; seq++) p.feed(part(seq, '480p'));
    await o.idle();
    // One announcement per part: after part 0 and part 2 the open segment is already closed.
    expect(models.map((m) => [m.segments.length, m.open?.parts.length ?? 0])).toEqual([[1, 0], [1, 1], [2, 0], [2, 1], [2, 2], [2, 3], [2, 4], [2, 5], [2, 6], [3, 1], [3, 2]]);
    expect(models.at(-1)!.segments.map((seg) => seg.parts.map((x) => x.uri))).toEqual([['r0p0.m4s'], ['r0p1.m4s', 'r0p2.m4s'], [3, 4, 5, 6, 7, 8].map((n) => `r0p${n}.m4s`)]);
  });

  it('knows how many lead segments a hand-over seam at part `seq` is past', () => {
    expect([0, 1, 3, 9].map((seq) => leadSegmentsBefore(seq, [1, 2]))).toEqual([0, 1, 2, 2]);
    expect(leadSegmentsBefore(5, [])).toBe(0);
  });
});
