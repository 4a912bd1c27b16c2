import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipJob } from '@onda/contracts';
import { createAdminWithToken } from '../src/index.js';
import { ClipsService } from '../src/clips/clips.service.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

/** A stored rendition playlist: `count` segments of `seconds` each, named like `prefix00001.ts`. */
const playlist = (count: number, seconds: number, name = 'seg_'): string =>
  ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${seconds}`, '#EXT-X-MEDIA-SEQUENCE:0',
    ...Array.from({ length: count }, (_, i) => [`#EXTINF:${seconds.toFixed(3)},`, `${name}${String(i).padStart(5, '0')}.ts`]).flat()].join('\n') + '\n';
const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720\n720p/index.m3u8\n';

describe(ClipsService.name, () => {
  let h: Harness;
  const jobs: ClipJob[] = [];
  let owner: string;
  let viewer: string;
  let other: string;
  let narrow: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function channel(slug: string, settings: object = {}): Promise<string> {
    const res = await request(h.sut.url).post('/v1/channels').set(auth(owner)).send({ slug, title: `Show ${slug}`, ...settings }).expect(201);
    return res.body.id as string;
  }

  /** A live broadcast with `seconds` of 2 s segments stored in its 720p rendition (and a decoy 360p one). */
  async function live(channelId: string, seconds: number): Promise<string> {
    const id = randomUUID();
    await h.db.prisma.liveSession.create({ data: { id, channelId, state: 'live', ingestId: 'clip', storagePrefix: `live/${id}`, startedAt: new Date() } });
    await h.storage.put(`live/${id}/master.m3u8`, master);
    await h.storage.put(`live/${id}/720p/index.m3u8`, playlist(seconds / 2, 2, 'r0_'));
    await h.storage.put(`live/${id}/360p/index.m3u8`, playlist(seconds / 2, 2, 'low_'));
    return id;
  }

  /** A VOD of 60 s in 6 s segments. */
  async function vod(channelId: string, status: 'ready' | 'processing' = 'ready'): Promise<string> {
    const v = await h.db.prisma.vod.create({ data: { channelId, origin: 'upload', title: 'v', status, durationSeconds: 60, renditions: ['720p'] } });
    await h.storage.put(`vod/${v.id}/hls/master.m3u8`, master);
    await h.storage.put(`vod/${v.id}/hls/720p/index.m3u8`, playlist(10, 6));
    return v.id;
  }

  const create = (token: string, body: object) => request(h.sut.url).post('/v1/clips').set(auth(token)).send(body);
  const finish = (id: string, body: object) => request(h.sut.url).post(`/internal/worker/clips/${id}/result`).set(auth(INTERNAL)).send(body);

  beforeAll(async () => {
    h = await startHarness({ clipRateLimit: { limit: 4, windowMs: 60_000 } });
    h.queue.consume('clip', async (job) => void jobs.push(job.payload));
    owner = (await createAdminWithToken(h.db.prisma, 'clips-owner@example.com')).token;
    viewer = (await createAdminWithToken(h.db.prisma, 'clips-viewer@example.com')).token;
    other = (await createAdminWithToken(h.db.prisma, 'clips-other@example.com')).token;
    narrow = (await request(h.sut.url).post('/v1/tokens').set(auth(owner)).send({ name: 'n', scopes: ['channels:read'] }).expect(201)).body.token;
  });

  afterAll(async () => {
    await h?.close();
  });

  const waitJob = async (clipId: string): Promise<ClipJob> => {
    for (let i = 0; i < 100; i++) {
      const job = jobs.find((j) => j.clipId === clipId);
      if (job) return job;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no job for ${clipId}`);
  };

  it('clips the last seconds of a live broadcast from its best rendition, ending where the viewer is, then serves it once ready', async () => {
    const channelId = await channel('clip-live');
    const session = await live(channelId, 120);
    const res = await create(viewer, { kind: 'live', channel: 'clip-live', durationSeconds: 30, behindLiveSeconds: 5, title: '  멋진 순간  ' }).expect(202);
    expect(res.body).toMatchObject({ status: 'processing', title: '멋진 순간', liveSessionId: session, channelSlug: 'clip-live', playbackUrl: null, requestedSeconds: 30 });
    // 120 s stored, 5 s behind the edge: [85, 115) covers segments 42 (84-86 s) to 57 (114-116 s), starting 1 s into the first.
    const job = await waitJob(res.body.id);
    expect(job).toMatchObject({ sourcePrefix: `live/${session}/720p`, storagePrefix: `clip/${res.body.id}`, offsetSeconds: 1, durationSeconds: 30 });
    expect(job.segments.map((s) => s.uri)).toEqual(Array.from({ length: 16 }, (_, i) => `r0_${String(42 + i).padStart(5, '0')}.ts`));

    await finish(res.body.id, { status: 'ready', durationSeconds: 31, width: 1280, height: 720 }).expect(204);
    const ready = await request(h.sut.url).get(`/v1/clips/${res.body.id}`).expect(200);
    expect(ready.body).toMatchObject({
      status: 'ready', durationSeconds: 31, playbackUrl: `http://onda.test/media/clip/${res.body.id}/hls/index.m3u8`, mp4Url: `http://onda.test/media/clip/${res.body.id}/clip.mp4`,
      posterUrl: `http://onda.test/media/clip/${res.body.id}/poster.jpg`, pageUrl: `http://onda.test/clip/${res.body.id}`, embedUrl: `http://onda.test/embed/clip/${res.body.id}`, canModerate: false,
    });
    await h.storage.put(`clip/${res.body.id}/hls/index.m3u8`, '#EXTM3U\n');
    await request(h.sut.url).get(`/media/clip/${res.body.id}/hls/index.m3u8`).expect(200);
    const listed = await request(h.sut.url).get('/v1/clips?channel=clip-live').expect(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
  });

  it('clips a range of a ready VOD: starts in the covering segment, refuses a VOD not ready and ranges too short, too long or past the end', async () => {
    const channelId = await channel('clip-vod');
    const ready = await vod(channelId);
    const res = await create(viewer, { kind: 'vod', vodId: ready, startSeconds: 14, endSeconds: 34 }).expect(202);
    const job = await waitJob(res.body.id);
    expect(job).toMatchObject({ sourcePrefix: `vod/${ready}/hls/720p`, offsetSeconds: 2, durationSeconds: 20 });
    expect(job.segments.map((s) => s.uri)).toEqual(['seg_00002.ts', 'seg_00003.ts', 'seg_00004.ts', 'seg_00005.ts']);
    expect(res.body.title).toBe('Show clip-vod');

    const problem = async (body: object, status: number, detail: RegExp) => {
      const r = await create(viewer, body).expect(status);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toMatch(detail);
    };
    await problem({ kind: 'vod', vodId: await vod(channelId, 'processing'), startSeconds: 0, endSeconds: 20 }, 409, /not ready/);
    await problem({ kind: 'vod', vodId: ready, startSeconds: 10, endSeconds: 12 }, 422, /at least 5 s/);
    await problem({ kind: 'vod', vodId: ready, startSeconds: 0, endSeconds: 61 }, 422, /at most 60 s/);
    await problem({ kind: 'vod', vodId: ready, startSeconds: 50, endSeconds: 70 }, 422, /ends after the VOD/);
    await problem({ kind: 'vod', vodId: ready, startSeconds: 30, endSeconds: 20 }, 422, /at least 5 s/);
    await problem({ kind: 'vod', vodId: randomUUID(), startSeconds: 0, endSeconds: 20 }, 404, /No VOD/);
    await problem({ kind: 'vod', vodId: 'nope', startSeconds: 0, endSeconds: 20 }, 400, /.+/);
  });

  it('refuses live clips outside the window: not live, longer than stored, further back than the DVR window, too short or long', async () => {
    const channelId = await channel('clip-window', { dvrWindowSeconds: 120 });
    const problem = async (body: object, status: number, detail: RegExp) => {
      const r = await create(viewer, { kind: 'live', channel: 'clip-window', ...body }).expect(status);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toMatch(detail);
    };
    await problem({ durationSeconds: 30 }, 409, /not live/);
    await live(channelId, 20);
    await problem({ durationSeconds: 30 }, 422, /Only 20 s/);
    await problem({ durationSeconds: 10 }, 422, /at least 15 s/);
    await problem({ durationSeconds: 61 }, 422, /at most 60 s/);
    await problem({ durationSeconds: 30, behindLiveSeconds: 100 }, 422, /reach 120 s behind/);
  });

  it('follows the channel policy: off, owner only; private channels are clipped and seen by their owner only', async () => {
    const offId = await channel('clip-off', { clipPolicy: 'off' });
    await live(offId, 60);
    expect((await create(owner, { kind: 'live', channel: 'clip-off', durationSeconds: 20 }).expect(403)).body.detail).toMatch(/does not allow clips/);
    const ownerOnly = await channel('clip-owner', { clipPolicy: 'owner' });
    await live(ownerOnly, 60);
    expect((await create(viewer, { kind: 'live', channel: 'clip-owner', durationSeconds: 20 }).expect(403)).body.detail).toMatch(/Only the channel owner/);
    await create(owner, { kind: 'live', channel: 'clip-owner', durationSeconds: 20 }).expect(202);

    const privateId = await channel('clip-private', { visibility: 'private' });
    await live(privateId, 60);
    await create(viewer, { kind: 'live', channel: 'clip-private', durationSeconds: 20 }).expect(404);
    const mine = await create(owner, { kind: 'live', channel: 'clip-private', durationSeconds: 20 }).expect(202);
    await finish(mine.body.id, { status: 'ready', durationSeconds: 20.5, width: 1280, height: 720 }).expect(204);
    await h.storage.put(`clip/${mine.body.id}/clip.mp4`, 'mp4 bytes');
    await request(h.sut.url).get(`/v1/clips/${mine.body.id}`).expect(404);
    await request(h.sut.url).get(`/v1/clips/${mine.body.id}`).set(auth(viewer)).expect(404);
    await request(h.sut.url).get(`/v1/clips/${mine.body.id}`).set(auth(narrow)).expect(404);
    await request(h.sut.url).get('/v1/clips?channel=clip-private').expect(404);
    await request(h.sut.url).get(`/media/clip/${mine.body.id}/clip.mp4`).expect(403);
    const seen = await request(h.sut.url).get(`/v1/clips/${mine.body.id}`).set(auth(owner)).expect(200);
    expect(seen.body.canModerate).toBe(true);
    const signed = new URL(seen.body.mp4Url as string);
    expect(signed.pathname).toMatch(/^\/media\/s\//);
    expect((await request(h.sut.url).get(signed.pathname).expect(200)).headers['content-length']).toBe('9');
    // The channel's public list never shows it.
    expect((await request(h.sut.url).get('/v1/clips').expect(200)).body.items.map((c: { id: string }) => c.id)).not.toContain(mine.body.id);
  });

  it('lets the owner hide and delete clips, the maker delete their own, and nobody else', async () => {
    const channelId = await channel('clip-mod');
    const v = await vod(channelId);
    const a = (await create(viewer, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 10 }).expect(202)).body.id as string;
    await finish(a, { status: 'ready', durationSeconds: 12, width: 1280, height: 720 }).expect(204);
    await h.storage.put(`clip/${a}/poster.jpg`, 'jpeg');
    await request(h.sut.url).patch(`/v1/clips/${a}`).set(auth(viewer)).send({ hidden: true }).expect(404);
    await request(h.sut.url).patch(`/v1/clips/${a}`).set(auth(narrow)).send({ hidden: true }).expect(403);
    expect((await request(h.sut.url).patch(`/v1/clips/${a}`).set(auth(owner)).send({ hidden: true }).expect(200)).body.hidden).toBe(true);
    await request(h.sut.url).get(`/v1/clips/${a}`).expect(404);
    await request(h.sut.url).get(`/v1/clips/${a}`).set(auth(viewer)).expect(404);
    expect((await request(h.sut.url).get('/v1/clips?channel=clip-mod').expect(200)).body.items).toEqual([]);
    expect((await request(h.sut.url).get('/v1/clips?channel=clip-mod').set(auth(owner)).expect(200)).body.items).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 5100)); // the media route caches visibility for 5 s
    await request(h.sut.url).get(`/media/clip/${a}/poster.jpg`).expect(403);
    await request(h.sut.url).patch(`/v1/clips/${a}`).set(auth(owner)).send({ hidden: false }).expect(200);

    await request(h.sut.url).delete(`/v1/clips/${a}`).set(auth(other)).expect(404);
    await request(h.sut.url).delete(`/v1/clips/${a}`).set(auth(viewer)).expect(204);
    await request(h.sut.url).get(`/v1/clips/${a}`).expect(404);
    expect(await h.storage.head(`clip/${a}/poster.jpg`)).toBeNull();
    // A late result for a deleted clip tells the worker to drop its files.
    await finish(a, { status: 'ready', durationSeconds: 12, width: 1, height: 1 }).expect(404);
    const b = (await create(viewer, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 10 }).expect(202)).body.id as string;
    await request(h.sut.url).delete(`/v1/clips/${b}`).set(auth(owner)).expect(204);
  });

  it('pages a channel\'s clips newest first for its page: ready and shown ones to viewers, every one to the owner, no other channel\'s', async () => {
    const channelId = await channel('clip-list');
    const otherChannel = await channel('clip-list-other');
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    const made = async (title: string, minutes: number, extra: object = {}, onChannel = channelId) =>
      (await h.db.prisma.clip.create({ data: { channelId: onChannel, title, status: 'ready', requestedSeconds: 30, durationSeconds: 30, createdAt: at(minutes), readyAt: at(minutes), ...extra } })).id;
    const oldest = await made('oldest', 1);
    const middle = await made('middle', 2);
    const newest = await made('newest', 3);
    await made('hidden', 4, { hidden: true });
    await made('cutting', 5, { status: 'processing', readyAt: null, durationSeconds: null });
    await made('elsewhere', 6, {}, otherChannel);

    const page1 = (await request(h.sut.url).get('/v1/clips?channel=clip-list&limit=2').expect(200)).body;
    expect(page1.items.map((c: { id: string }) => c.id)).toEqual([newest, middle]);
    expect(page1.items[0]).toMatchObject({ channelSlug: 'clip-list', status: 'ready', hidden: false, pageUrl: expect.stringContaining(`/clip/${newest}`) });
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await request(h.sut.url).get(`/v1/clips?channel=${channelId}&limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`).expect(200)).body;
    expect(page2.items.map((c: { id: string }) => c.id)).toEqual([oldest]);
    expect(page2.nextCursor).toBeNull();
    // Another signed-in account sees what anonymous viewers see; the owner also gets the hidden and unfinished ones.
    expect((await request(h.sut.url).get('/v1/clips?channel=clip-list').set(auth(other)).expect(200)).body.items.map((c: { title: string }) => c.title)).toEqual(['newest', 'middle', 'oldest']);
    expect((await request(h.sut.url).get('/v1/clips?channel=clip-list').set(auth(owner)).expect(200)).body.items.map((c: { title: string }) => c.title)).toEqual(['cutting', 'hidden', 'newest', 'middle', 'oldest']);
    await request(h.sut.url).get('/v1/clips?channel=no-such-channel').expect(404);
    await request(h.sut.url).get('/v1/clips?channel=clip-list&limit=0').expect(400);
  });

  it('counts a view once per address, and limits clips per account (429 problem with the wait)', async () => {
    const channelId = await channel('clip-rate');
    const v = await vod(channelId);
    const fresh = (await createAdminWithToken(h.db.prisma, 'clips-rate@example.com')).token;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await create(fresh, { kind: 'vod', vodId: v, startSeconds: i, endSeconds: i + 10 }).expect(202)).body.id);
    // A refused range costs nothing; the fifth sound request is over the limit.
    await create(fresh, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 1 }).expect(422);
    const over = await create(fresh, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 10 }).expect(429);
    expect(over.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(over.body.detail).toMatch(/Too many clips; retry in \d+ s/);
    // Per account, not per token: another token of the same account is limited too; another account is not.
    const second = (await request(h.sut.url).post('/v1/tokens').set(auth(fresh)).send({ name: 's', scopes: ['clips:write'] }).expect(201)).body.token;
    await create(second, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 10 }).expect(429);
    await create(other, { kind: 'vod', vodId: v, startSeconds: 0, endSeconds: 10 }).expect(202);

    await request(h.sut.url).post(`/v1/clips/${ids[0]}/views`).expect(204);
    await request(h.sut.url).post(`/v1/clips/${ids[0]}/views`).expect(204);
    expect((await request(h.sut.url).get(`/v1/clips/${ids[0]}`).expect(200)).body.viewCount).toBe(1);
    await request(h.sut.url).post(`/v1/clips/${randomUUID()}/views`).expect(404);
  });
});
