import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goLiveInternally, streamKey } from '@onda/testing';
import { createAdminWithToken } from '../src/index.js';
import { ChannelsController } from '../src/channels/channels.controller.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

describe(ChannelsController.name, () => {
  let h: Harness;
  let token: string;
  let strangerToken: string;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
    token = (await createAdminWithToken(h.db.prisma, 'chan@example.com')).token;
    strangerToken = (await createAdminWithToken(h.db.prisma, 'else@example.com')).token;
  });

  afterAll(async () => {
    await h?.close();
  });

  const goLive = async (slug: string): Promise<string> => goLiveInternally(h.internal, (await streamKey(h.api(token), slug)).streamKey);

  it('creates with settings, patches them and hides unlisted channels from the public list', async () => {
    const created = (await request(h.sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'settings', title: 'S', description: 'About', visibility: 'unlisted', recording: false, latencyMode: 'low' }).expect(201)).body;
    expect(created).toMatchObject({ description: 'About', visibility: 'unlisted', recording: false, reconnectWindowSeconds: 30, latencyMode: 'low', ladderProfile: 'default' });
    const patched = (await request(h.sut.url).patch('/v1/channels/settings').set(auth(token)).send({ title: 'Renamed', reconnectWindowSeconds: 60, ladderProfile: 'passthrough' }).expect(200)).body;
    expect(patched).toMatchObject({ title: 'Renamed', reconnectWindowSeconds: 60, ladderProfile: 'passthrough', visibility: 'unlisted' });
    await request(h.sut.url).get('/v1/channels/settings').expect(200);
    expect((await request(h.sut.url).get('/v1/channels').expect(200)).body.items.map((c: { slug: string }) => c.slug)).not.toContain('settings');
    const mine = (await request(h.sut.url).get('/v1/channels?owner=me&visibility=unlisted').set(auth(token)).expect(200)).body.items;
    expect(mine.map((c: { slug: string }) => c.slug)).toEqual(['settings']);
    await request(h.sut.url).get('/v1/channels?owner=me').expect(401);
  });

  it('signs private playback URLs and the media route checks them for every object of the session', async () => {
    await request(h.sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'secret', title: 'Private', visibility: 'private' }).expect(201);
    await request(h.sut.url).get('/v1/channels/secret').expect(404);
    await request(h.sut.url).get('/v1/channels/secret/playback').set(auth(strangerToken)).expect(404);
    const sessionId = await goLive('secret');
    await h.storage.put(`live/${sessionId}/master.m3u8`, '#EXTM3U\n720p/index.m3u8\n');
    await h.storage.put(`live/${sessionId}/720p/r0_00001.ts`, Buffer.from([0x47]));

    const playback = (await request(h.sut.url).get('/v1/channels/secret/playback').set(auth(token)).expect(200)).body;
    expect(playback).toMatchObject({ visibility: 'private', live: true });
    const match = new RegExp(`^http://onda\\.test/media/(s/\\d+\\.[0-9a-f]{64})/live/${sessionId}/master\\.m3u8$`).exec(playback.hlsUrl);
    expect(match, playback.hlsUrl).not.toBeNull();
    expect(Date.parse(playback.expiresAt)).toBeGreaterThan(Date.now());
    const signed = `/media/${match![1]}/live/${sessionId}`;
    await request(h.sut.url).get(`${signed}/master.m3u8`).expect(200);
    // hls.js resolves relative URIs against the playlist URL: the segment inherits the token.
    await request(h.sut.url).get(`${signed}/720p/r0_00001.ts`).expect(200);
    await request(h.sut.url).get(`/media/live/${sessionId}/master.m3u8`).expect(403);
    await request(h.sut.url).get(`/media/live/${sessionId}/720p/r0_00001.ts`).expect(403);
    // One signature character changed (to another one: a signature may well begin with "f").
    await request(h.sut.url).get(`${signed.replace(/\.([0-9a-f])/, (_, c: string) => (c === 'f' ? '.0' : '.f'))}/master.m3u8`).expect(403);
    await request(h.sut.url).get(`/media/s/1.${'0'.repeat(64)}/live/${sessionId}/master.m3u8`).expect(403);
  });

  it('gives public channels a plain URL and lists, filters, pages and force-ends sessions', async () => {
    await request(h.sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'open', title: 'Open' }).expect(201);
    const first = await goLive('open');
    const playback = (await request(h.sut.url).get('/v1/channels/open/playback').expect(200)).body;
    expect(playback).toEqual({ channelId: expect.any(String), visibility: 'public', live: true, latencyMode: 'normal', hlsUrl: `http://onda.test/media/live/${first}/master.m3u8`, expiresAt: null });
    await request(h.sut.url).post(`/v1/live-sessions/${first}/end`).set(auth(token)).expect(200);
    expect((await request(h.sut.url).get('/v1/channels/open/playback').expect(200)).body).toMatchObject({ live: false, hlsUrl: null });
    const second = await goLive('open');
    const channelId = playback.channelId as string;

    const live = (await request(h.sut.url).get(`/v1/live-sessions?channelId=${channelId}&state=live`).set(auth(token)).expect(200)).body;
    expect(live.items.map((s: { id: string }) => s.id)).toEqual([second]);
    const page1 = (await request(h.sut.url).get(`/v1/live-sessions?channelId=${channelId}&limit=1`).set(auth(token)).expect(200)).body;
    expect(page1.items.map((s: { id: string }) => s.id)).toEqual([second]);
    const page2 = (await request(h.sut.url).get(`/v1/live-sessions?channelId=${channelId}&limit=1&cursor=${page1.nextCursor}`).set(auth(token)).expect(200)).body;
    expect(page2).toMatchObject({ items: [{ id: first, state: 'ended', endReason: 'ended by API' }], nextCursor: null });
    expect((await request(h.sut.url).get('/v1/live-sessions').set(auth(strangerToken)).expect(200)).body.items).toEqual([]);
    expect((await request(h.sut.url).get(`/v1/live-sessions/${second}`).set(auth(token)).expect(200)).body).toMatchObject({ id: second, state: 'live', publisherConnected: true });
  });

  it('revokes the stream key until the next rotate', async () => {
    await request(h.sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'keyless', title: 'K' }).expect(201);
    const { streamKey } = (await request(h.sut.url).get('/v1/channels/keyless/stream-key').set(auth(token)).expect(200)).body;
    await request(h.sut.url).delete('/v1/channels/keyless/stream-key').set(auth(token)).expect(204);
    expect((await request(h.sut.url).get('/v1/channels/keyless/stream-key').set(auth(token)).expect(200)).body.streamKey).toBeNull();
    await request(h.sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey, clientIp: '127.0.0.1', ingestId: 't' }).expect(403);
    const rotated = (await request(h.sut.url).post('/v1/channels/keyless/stream-key/rotate').set(auth(token)).expect(200)).body;
    await request(h.sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: rotated.streamKey, clientIp: '127.0.0.1', ingestId: 't' }).expect(200);
  });
});
