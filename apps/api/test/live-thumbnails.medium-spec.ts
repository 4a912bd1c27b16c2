import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { ChannelsController } from '../src/channels/channels.controller.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

/** Live thumbnails through the real API: URLs in channel JSON, the stable per-channel URL, signing and OG tags. */
describe(`${ChannelsController.name} live thumbnails`, () => {
  let h: Harness;
  let owner: string;
  let other: string;
  const web = mkdtempSync(path.join(tmpdir(), 'onda-web-'));

  /** Publishes on the channel through the internal ingest and worker routes; returns the session id. */
  async function goLive(slug: string): Promise<string> {
    const { body: key } = await request(h.sut.url).get(`/v1/channels/${slug}/stream-key`).set(auth(owner)).expect(200);
    const { sessionId } = (await request(h.sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'test' }).expect(200)).body as { sessionId: string };
    const source = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
    await request(h.sut.url).post(`/internal/ingest/sessions/${sessionId}/started`).set(auth(INTERNAL)).send({ source, pullUrl: `rtmp://127.0.0.1:1935/live/${sessionId}?token=t` }).expect(204);
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ready', renditions: ['720p', '360p'] }).expect(204);
    return sessionId;
  }

  /** What the worker does for each picture: the object, then the event. */
  async function newPicture(sessionId: string, body = JPEG): Promise<void> {
    await h.storage.put(`live/${sessionId}/thumb.jpg`, body, { contentType: 'image/jpeg', cacheControl: 'public, max-age=15' });
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'thumbnail' }).expect(204);
  }

  const path_ = (url: string) => url.replace('http://onda.test', '');

  beforeAll(async () => {
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><html><head><title>Onda</title></head><body><div id="root"></div></body></html>');
    h = await startHarness({ webDist: web });
    owner = (await createAdminWithToken(h.db.prisma, 'thumbs@example.com')).token;
    other = (await createAdminWithToken(h.db.prisma, 'thumbs-other@example.com')).token;
    for (const [slug, visibility] of [['thumb-open', 'public'], ['thumb-secret', 'private']]) {
      await request(h.sut.url).post('/v1/channels').set(auth(owner)).send({ slug, title: slug, visibility }).expect(201);
    }
  });

  afterAll(async () => {
    await h?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('public channel: no thumbnail offline or before the first picture, then a versioned URL that changes with each picture', async () => {
    let channel = (await request(h.sut.url).get('/v1/channels/thumb-open').expect(200)).body;
    expect(channel).toMatchObject({ status: 'offline', thumbnailUrl: null });
    expect(channel.viewerCount).toBeUndefined();
    const offline = await request(h.sut.url).get('/v1/channels/thumb-open/thumbnail').expect(404);
    expect(offline.headers['content-type']).toMatch(/application\/problem\+json/);

    const sessionId = await goLive('thumb-open');
    channel = (await request(h.sut.url).get('/v1/channels/thumb-open').expect(200)).body;
    expect(channel).toMatchObject({ status: 'live', thumbnailUrl: null, viewerCount: 0 });
    await request(h.sut.url).get('/v1/channels/thumb-open/thumbnail').expect(404);

    await newPicture(sessionId);
    channel = (await request(h.sut.url).get('/v1/channels/thumb-open').expect(200)).body;
    const first = channel.thumbnailUrl as string;
    expect(first).toMatch(new RegExp(`^http://onda\\.test/media/live/${sessionId}/thumb\\.jpg\\?v=\\d+$`));
    expect(channel.liveSession.thumbnailUrl).toBe(first);
    const listed = (await request(h.sut.url).get('/v1/channels?live=true').expect(200)).body.items;
    expect(listed).toEqual([expect.objectContaining({ slug: 'thumb-open', thumbnailUrl: first, viewerCount: 0 })]);

    // The picture itself, with the worker's short cache header.
    const img = await request(h.sut.url).get(path_(first)).expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('public, max-age=15');
    expect(Buffer.from(img.body as Buffer).equals(JPEG)).toBe(true);

    // The stable URL redirects to the newest picture.
    const stable = await request(h.sut.url).get('/v1/channels/thumb-open/thumbnail').expect(302);
    expect(stable.headers.location).toBe(first);
    expect(stable.headers['cache-control']).toBe('public, max-age=10');

    await new Promise((r) => setTimeout(r, 5));
    await newPicture(sessionId, Buffer.concat([JPEG, JPEG]));
    const second = (await request(h.sut.url).get('/v1/channels/thumb-open').expect(200)).body.thumbnailUrl as string;
    expect(second).not.toBe(first);
    expect((await request(h.sut.url).get('/v1/channels/thumb-open/thumbnail').expect(302)).headers.location).toBe(second);

    // The channel page's Open Graph / Twitter tags show it.
    const page = await request(h.sut.url).get('/c/thumb-open').expect(200);
    expect(page.text).toContain(`<meta property="og:image" content="${second.replace(/&/g, '&amp;')}" />`);
    expect(page.text).toContain('<meta name="twitter:card" content="summary_large_image" />');
    expect((await request(h.sut.url).get(`/v1/oembed?url=${encodeURIComponent('http://onda.test/c/thumb-open')}`).expect(200)).body.thumbnail_url).toBe(second);

    // Ended: the channel is offline and shows no thumbnail, the stable URL is a 404 again.
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ended', mediaSeconds: 10 }).expect(204);
    expect((await request(h.sut.url).get('/v1/channels/thumb-open').expect(200)).body).toMatchObject({ status: 'offline', thumbnailUrl: null });
    await request(h.sut.url).get('/v1/channels/thumb-open/thumbnail').expect(404);
    expect((await request(h.sut.url).get('/c/thumb-open').expect(200)).text).not.toContain('og:image');
  });

  it('private channel: signed like its playlists; refused unsigned, to strangers and with a signature of another session', async () => {
    const sessionId = await goLive('thumb-secret');
    await newPicture(sessionId);
    const channel = (await request(h.sut.url).get('/v1/channels/thumb-secret').set(auth(owner)).expect(200)).body;
    const url = channel.thumbnailUrl as string;
    const token = new RegExp(`^http://onda\\.test/media/s/([^/]+)/live/${sessionId}/thumb\\.jpg\\?v=\\d+$`).exec(url)?.[1];
    expect(token, url).toBeDefined();
    // The same token signs the playlists: one signature per session prefix.
    expect(channel.liveSession.playbackUrl).toContain(`/media/s/${token}/live/${sessionId}/master.m3u8`);
    const img = await request(h.sut.url).get(path_(url)).expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    // Per viewer: never in a shared cache.
    expect(img.headers['cache-control']).toBe('private, max-age=1');

    // Unsigned, with a made-up or another session's signature: refused.
    await request(h.sut.url).get(`/media/live/${sessionId}/thumb.jpg`).expect(403);
    await request(h.sut.url).get(`/media/s/${'9'.repeat(10)}.${'0'.repeat(64)}/live/${sessionId}/thumb.jpg`).expect(403);
    const publicSession = (await h.db.prisma.liveSession.findFirstOrThrow({ where: { channel: { slug: 'thumb-open' } } })).id;
    await request(h.sut.url).get(`/media/s/${token}/live/${publicSession}/thumb.jpg`).expect(403);

    // The stable URL: the owner is sent to a signed URL; anonymous viewers and other tenants learn nothing.
    const stable = await request(h.sut.url).get('/v1/channels/thumb-secret/thumbnail').set(auth(owner)).expect(302);
    expect(stable.headers.location).toMatch(new RegExp(`/media/s/[^/]+/live/${sessionId}/thumb\\.jpg\\?v=\\d+$`));
    expect(stable.headers['cache-control']).toBe('private, no-store');
    await request(h.sut.url).get(path_(stable.headers.location!)).expect(200);
    for (const who of [null, other]) {
      const res = await (who ? request(h.sut.url).get('/v1/channels/thumb-secret/thumbnail').set(auth(who)) : request(h.sut.url).get('/v1/channels/thumb-secret/thumbnail'));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    // Nor does a private channel's picture reach the sharing tags.
    expect((await request(h.sut.url).get('/c/thumb-secret').expect(200)).text).not.toContain('og:image');
  });

  it('takes no thumbnail event for a session that has ended, and refuses an unknown event', async () => {
    const session = await h.db.prisma.liveSession.findFirstOrThrow({ where: { channel: { slug: 'thumb-open' } } });
    await request(h.sut.url).post(`/internal/worker/sessions/${session.id}/events`).set(auth(INTERNAL)).send({ type: 'thumbnail' }).expect(204);
    expect((await h.db.prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } })).thumbnailAt).toEqual(session.thumbnailAt);
    await request(h.sut.url).post(`/internal/worker/sessions/${session.id}/events`).set(auth(INTERNAL)).send({ type: 'picture' }).expect(400);
  });
});
