import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
/** `http://onda.test/media/...` (the configured public base) as a path on the test server. */
const local = (url: string) => url.replace(/^http:\/\/onda\.test/, '');

// Security issue #12, findings 3, 4 and 5: VOD reads honour scopes, signatures cover one object class, a
// deleted channel's media is gone and unknown ids are never public.
describe('VOD and media access', () => {
  let h: Harness;
  let owner: { userId: string; token: string };
  let moderateOnly: string;
  let channelId: string;
  let vodId: string;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
    owner = await createAdminWithToken(h.db.prisma, 'vod-owner@example.com');
    moderateOnly = (await request(h.sut.url).post('/v1/tokens').set(auth(owner.token)).send({ name: 'mod', scopes: ['chat:moderate'] }).expect(201)).body.token;
    channelId = (await request(h.sut.url).post('/v1/channels').set(auth(owner.token)).send({ slug: 'hidden', title: 'Hidden', visibility: 'private' }).expect(201)).body.id;
    vodId = randomUUID();
    await h.db.prisma.vod.create({ data: { id: vodId, channelId, origin: 'upload', title: 'Secret show', status: 'ready', sourceKey: `vod/${vodId}/upload`, renditions: ['720p'], readyAt: new Date() } });
    for (const file of ['hls/master.m3u8', 'poster.jpg', 'upload', 'archive/000001.ts']) await h.storage.put(`vod/${vodId}/${file}`, `bytes of ${file}`);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('needs vods:read for the owner view: a chat:moderate token sees what anonymous viewers see (finding 3)', async () => {
    await request(h.sut.url).get(`/v1/vods/${vodId}`).set(auth(moderateOnly)).expect(404);
    await request(h.sut.url).get('/v1/vods?owner=me').set(auth(moderateOnly)).expect(403);
    const byChannel = (await request(h.sut.url).get('/v1/vods?channel=hidden').set(auth(moderateOnly)).expect(200)).body;
    expect(byChannel.items).toEqual([]);
    await request(h.sut.url).get(`/v1/vods/${vodId}/chat`).set(auth(moderateOnly)).expect(404);
    const mine = (await request(h.sut.url).get(`/v1/vods/${vodId}`).set(auth(owner.token)).expect(200)).body;
    expect(mine.downloadUrl).toMatch(/\/media\/s\//);
    expect((await request(h.sut.url).get('/v1/vods?owner=me').set(auth(owner.token)).expect(200)).body.items).toHaveLength(1);
  });

  it('a playback signature does not unlock the source or archive; a download link covers its key and name only (findings 4, 15)', async () => {
    const vod = (await request(h.sut.url).get(`/v1/vods/${vodId}`).set(auth(owner.token)).expect(200)).body;
    const playback = local(vod.playbackUrl as string);
    expect((await request(h.sut.url).get(playback).expect(200)).text).toBe('bytes of hls/master.m3u8');
    const signedBase = playback.slice(0, playback.indexOf(`/vod/${vodId}/`));
    await request(h.sut.url).get(`${signedBase}/vod/${vodId}/upload`).expect(403);
    await request(h.sut.url).get(`${signedBase}/vod/${vodId}/archive/000001.ts`).expect(403);

    const download = new URL(vod.downloadUrl as string);
    const got = await request(h.sut.url).get(download.pathname + download.search).expect(200);
    expect(got.headers['content-disposition']).toMatch(/attachment; filename="Secret show"/);
    await request(h.sut.url).get(`${download.pathname}?name=evil.html`).expect(403);
    await request(h.sut.url).get(download.pathname.replace('/upload', '/hls/master.m3u8') + download.search).expect(403);
  });

  it('never serves an unknown session or VOD id unsigned, and deleting a channel deletes its media (finding 5)', async () => {
    const orphan = randomUUID();
    await h.storage.put(`live/${orphan}/master.m3u8`, '#EXTM3U\n');
    await h.storage.put(`vod/${orphan}/hls/master.m3u8`, '#EXTM3U\n');
    await request(h.sut.url).get(`/media/live/${orphan}/master.m3u8`).expect(403);
    await request(h.sut.url).get(`/media/vod/${orphan}/hls/master.m3u8`).expect(403);

    const session = await h.db.prisma.liveSession.create({ data: { channelId, state: 'ended', ingestId: 'gone', storagePrefix: `live/${randomUUID()}` } });
    await h.storage.put(`${session.storagePrefix}/master.m3u8`, '#EXTM3U\n');
    await request(h.sut.url).delete(`/v1/channels/${channelId}`).set(auth(owner.token)).expect(204);
    expect(await h.storage.get(`vod/${vodId}/upload`)).toBeNull();
    expect(await h.storage.get(`vod/${vodId}/hls/master.m3u8`)).toBeNull();
    expect(await h.storage.get(`${session.storagePrefix}/master.m3u8`)).toBeNull();
  });
});
