import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlPlaylistModel } from '@onda/contracts';
import { createChannel, createTestDatabase, createUser, type TestDatabase } from '@onda/db';
import { parseLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { PlaybackSigner } from '../src/playback/playback-signer.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

const auth = { Authorization: `Bearer ${INTERNAL}` };
const part = (seq: number, independent: boolean) => ({ uri: `r0p${seq}.m4s`, duration: 1 / 3, independent });

/** A model with `segments` complete 1 s segments (3 parts each) and `open` parts of the next one. */
function model(rendition: string, segments: number, open: number, over: Partial<LlPlaylistModel> = {}): LlPlaylistModel {
  const pdt = (msn: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, msn)).toISOString();
  return {
    rendition, renditions: ['720p', '480p'], targetDuration: 1, partTarget: 0.334, mediaSequence: 0, discontinuitySequence: 0,
    segments: Array.from({ length: segments }, (_, msn) => ({
      msn, uri: `s${msn}.m4s`, duration: 1, discontinuity: false, programDateTime: pdt(msn), map: 'init_r0.mp4',
      parts: msn >= segments - 3 ? [0, 1, 2].map((i) => part(msn * 3 + i, i === 0)) : [],
    })),
    open: open > 0 ? { discontinuity: false, programDateTime: pdt(segments), map: 'init_r0.mp4', parts: Array.from({ length: open }, (_, i) => part(segments * 3 + i, i === 0)) } : null,
    preloadHint: `r0p${segments * 3 + open}.m4s`,
    ended: false,
    ...over,
  };
}

describe('LL-HLS blocking playlist reload', () => {
  let db: TestDatabase;
  let a: Harness;
  let b: Harness;
  const prefix = `ll-test-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two API nodes sharing Redis, as in scale-out.
    a = await startHarness({ redisUrl: 'redis://127.0.0.1:6379', queuePrefix: prefix }, db);
    b = await startHarness({ redisUrl: 'redis://127.0.0.1:6379', queuePrefix: prefix }, db);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  /** A live session of a public channel: the media route serves only objects of sessions it knows. */
  const publicSession = async (): Promise<string> => {
    const owner = await createUser(db.prisma);
    const channel = await createChannel(db.prisma, owner.id, { visibility: 'public' });
    const id = randomUUID();
    await db.prisma.liveSession.create({ data: { id, channelId: channel.id, state: 'live', ingestId: id, storagePrefix: `live/${id}`, latencyMode: 'low' } });
    return id;
  };
  const announce = (h: Harness, session: string, m: LlPlaylistModel) => request(h.sut.url).post(`/internal/worker/sessions/${session}/ll`).set(auth).send(m).expect(204);
  const playlist = (h: Harness, session: string, query = '') => request(h.sut.url).get(`/media/live/${session}/720p/index.m3u8${query}`);

  it('renders the live playlist from the announced model, with rendition reports', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 5, 2));
    await announce(a, session, model('480p', 5, 1));
    const res = await playlist(a, session).expect(200);
    expect(res.headers['content-type']).toContain('application/vnd.apple.mpegurl');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(validateLlPlaylist(res.text, { requireParts: true })).toEqual([]);
    expect(res.text).toContain('#EXT-X-RENDITION-REPORT:URI="../480p/index.m3u8",LAST-MSN=5,LAST-PART=0');
  });

  it('holds a request until its part is announced, on another API node too', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 5, 1));
    await expect.poll(async () => (await playlist(b, session)).status).toBe(200);
    const started = Date.now();
    const held = playlist(b, session, '?_HLS_msn=5&_HLS_part=1').then((r) => ({ r, at: Date.now() }));
    await new Promise((r) => setTimeout(r, 400));
    await announce(a, session, model('720p', 5, 2));
    const { r, at } = await held;
    expect(r.status).toBe(200);
    expect(at - started).toBeGreaterThanOrEqual(350);
    expect(parseLlPlaylist(r.text).openParts.map((p) => p.uri)).toEqual(['r0p15.m4s', 'r0p16.m4s']);
    expect(r.headers['cache-control']).toBe('public, max-age=3');
    // Already there: answered at once. Part 3 of a 3-part segment = the next segment's part 0.
    await playlist(a, session, '?_HLS_msn=5&_HLS_part=0').expect(200);
    const next = playlist(a, session, '?_HLS_msn=4&_HLS_part=3');
    expect((await next).status).toBe(200);
  });

  it('answers 400 far ahead, 503 after three target durations, 400 for bad parameters', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 5, 1));
    const far = await playlist(a, session, '?_HLS_msn=8').expect(400);
    expect(far.headers['content-type']).toContain('application/problem+json');
    await playlist(a, session, '?_HLS_msn=5&_HLS_part=9').expect(400);
    await playlist(a, session, '?_HLS_part=1').expect(400);
    await playlist(a, session, '?_HLS_msn=abc').expect(400);
    await playlist(a, session, '?_HLS_msn=5&_HLS_skip=maybe').expect(400);
    const started = Date.now();
    const timeout = await playlist(a, session, '?_HLS_msn=6&_HLS_part=0').expect(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(timeout.headers['cache-control']).toBe('no-store');
  });

  it('answers delta updates with EXT-X-SKIP', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 20, 1));
    const full = (await playlist(a, session).expect(200)).text;
    const delta = (await playlist(a, session, '?_HLS_msn=20&_HLS_part=0&_HLS_skip=YES').expect(200)).text;
    expect(delta).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=14');
    expect(validateLlPlaylist(delta)).toEqual([]);
    expect(validateLlUpdate(full, delta)).toEqual([]);
  });

  it('holds signed playlist requests of private broadcasts the same way', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 5, 1));
    const token = new PlaybackSigner('x'.repeat(40)).token(`live/${session}`, Math.floor(Date.now() / 1000) + 60);
    const url = `/media/s/${token}/live/${session}/720p/index.m3u8`;
    const held = request(a.sut.url).get(`${url}?_HLS_msn=5&_HLS_part=1`).then((r) => r);
    await announce(a, session, model('720p', 5, 2));
    const res = await held;
    expect(res.status).toBe(200);
    // Relative part URIs resolve under the same signed prefix.
    expect(res.text).toContain('URI="r0p16.m4s"');
    await request(a.sut.url).get(`/media/s/${token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}/live/${session}/720p/index.m3u8`).expect(403);
  });

  it('points parts and segments at the CDN when MEDIA_PUBLIC_URL is not the API', async () => {
    const cdn = await startHarness({ mediaPublicUrl: 'https://cdn.example/media' }, db);
    try {
      const session = await publicSession();
      await announce(cdn, session, model('720p', 4, 1));
      const text = (await playlist(cdn, session).expect(200)).text;
      const base = `https://cdn.example/media/live/${session}/720p/`;
      expect(text).toContain(`#EXT-X-MAP:URI="${base}init_r0.mp4"`);
      expect(text).toContain(`#EXT-X-PART:DURATION=0.33333,URI="${base}r0p12.m4s",INDEPENDENT=YES`);
      expect(text).toContain(`\n${base}s3.m4s\n`);
      expect(text).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${base}r0p13.m4s"`);
      expect(validateLlPlaylist(text, { requireParts: true })).toEqual([]);
    } finally {
      await cdn.close();
    }
  });

  it('serves the stored replay playlist once the broadcast ended', async () => {
    const session = await publicSession();
    await announce(a, session, model('720p', 3, 1));
    await a.storage.put(`live/${session}/720p/index.m3u8`, '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-ENDLIST\n');
    const held = playlist(a, session, '?_HLS_msn=4');
    await announce(a, session, model('720p', 4, 0, { ended: true, preloadHint: null }));
    expect((await held).text).toContain('#EXT-X-ENDLIST');
    expect((await playlist(a, session).expect(200)).text).toBe('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-ENDLIST\n');
    // A normal-mode playlist (no model) is the stored object as before.
    await playlist(a, await publicSession()).expect(404);
    // A session the API does not know is never served unsigned.
    await playlist(a, randomUUID()).expect(403);
  });
});
