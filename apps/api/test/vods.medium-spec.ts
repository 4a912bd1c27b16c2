import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@onda/db';
import type { JobContext } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { apiClient, createChannel } from '@onda/testing';
import { VodsService } from '../src/vods/vods.service.js';
import { createAdminWithToken, type RunningApi } from '../src/index.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

const source = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };

describe(VodsService.name, () => {
  let harness: Harness;
  let db: TestDatabase;
  let storage: ObjectStorage;
  let sut: RunningApi;
  let token: string;
  const encodes: Array<JobContext<'vod-encode'>> = [];

  beforeAll(async () => {
    harness = await startHarness({ webhooks: { pollMs: 0 } });
    ({ db, storage, sut } = harness);
    harness.queue.consume('vod-encode', async (job) => void encodes.push(job));
    token = (await createAdminWithToken(db.prisma, 'vods@example.com')).token;
  });

  afterAll(async () => {
    await harness?.close();
  });

  const post = (p: string, body: object) => request(sut.url).post(p).set('Authorization', `Bearer ${INTERNAL}`).send(body);

  async function channel(slug: string, reconnectWindowSeconds: number): Promise<string> {
    return (await createChannel(apiClient({ apiUrl: sut.url, token }), { slug, title: `Show ${slug}`, reconnectWindowSeconds })).streamKey;
  }

  it('continues the session for a publisher back within the reconnect window, and ends it after the window', async () => {
    const key = await channel('reconnect-show', 1);
    const first = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    const id = first.body.sessionId as string;
    await post(`/internal/ingest/sessions/${id}/started`, { source, pullUrl: `rtmp://in-1/live/${id}` }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ready', renditions: ['720p'] }).expect(204);

    await post(`/internal/ingest/sessions/${id}/disconnected`, { reason: 'encoder disconnected' }).expect(204);
    const waiting = await request(sut.url).get(`/internal/worker/sessions/${id}`).set('Authorization', `Bearer ${INTERNAL}`).expect(200);
    expect(waiting.body).toEqual({ id, state: 'reconnecting', publisherConnected: false, pullUrl: `rtmp://in-1/live/${id}`, finish: false });

    const again = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    expect(again.body.sessionId).toBe(id);
    const back = await request(sut.url).get(`/internal/worker/sessions/${id}`).set('Authorization', `Bearer ${INTERNAL}`).expect(200);
    expect(back.body).toEqual({ id, state: 'live', publisherConnected: true, pullUrl: null, finish: false });

    await post(`/internal/ingest/sessions/${id}/disconnected`, { reason: 'encoder disconnected' }).expect(204);
    await new Promise((r) => setTimeout(r, 1200));
    const over = await request(sut.url).get(`/internal/worker/sessions/${id}`).set('Authorization', `Bearer ${INTERNAL}`).expect(200);
    // Past the window the worker is told to finish (ENDLIST first); the session ends when it reports `ended`.
    expect(over.body).toMatchObject({ id, state: 'reconnecting', publisherConnected: false, finish: true });
    // Past the window a publish starts a new session.
    const next = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    expect(next.body.sessionId).not.toBe(id);
  });

  it('creates the VOD when a recorded broadcast ends: replay at once, encode queued, progress, ready, rename, delete', async () => {
    const key = await channel('vod-show', 30);
    const { body } = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    const id = body.sessionId as string;
    await post(`/internal/ingest/sessions/${id}/started`, { source, pullUrl: `rtmp://in-1/live/${id}` }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ready', renditions: ['720p'] }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ended', mediaSeconds: 30.2 }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ended', mediaSeconds: 30.2 }).expect(204);

    const vod = await request(sut.url).get(`/v1/vods/${id}`).expect(200);
    expect(vod.body).toMatchObject({ id, liveSessionId: id, origin: 'recording', status: 'processing', playbackUrl: `http://onda.test/media/live/${id}/master.m3u8`, posterUrl: null });
    await new Promise((r) => setTimeout(r, 100));
    expect(encodes.map((j) => j.payload)).toEqual([{ vodId: id, sourceKey: `vod/${id}/source.mp4`, storagePrefix: `vod/${id}`, expectedSeconds: 30.2 }]);

    // An archive that does not match the broadcast does not count as stored.
    await post(`/internal/worker/vods/${id}/progress`, { percent: 42.5, etaSeconds: 12 }).expect(204);
    expect((await request(sut.url).get(`/v1/vods/${id}`)).body).toMatchObject({ progressPercent: 42.5, etaSeconds: 12 });
    await post(`/internal/worker/vods/${id}/archive`, { status: 'stored', key: `vod/${id}/source.mp4`, bytes: 1000, durationSeconds: 30.9, mediaSeconds: 30.2 }).expect(204);
    expect((await db.prisma.vod.findUniqueOrThrow({ where: { id } })).sourceBytes).toBe(1000n);
    await post(`/internal/worker/vods/${id}/result`, { status: 'ready', durationSeconds: 30.9, width: 1280, height: 720, renditions: ['720p', '480p'] }).expect(204);
    const ready = await request(sut.url).get(`/v1/vods/${id}`).expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', progressPercent: 100, renditions: ['720p', '480p'], playbackUrl: `http://onda.test/media/vod/${id}/hls/master.m3u8`, storyboardUrl: `http://onda.test/media/vod/${id}/storyboard.vtt` });
    // A late progress report does not undo ready.
    await post(`/internal/worker/vods/${id}/progress`, { percent: 99, etaSeconds: 1 }).expect(204);
    expect((await request(sut.url).get(`/v1/vods/${id}`)).body.progressPercent).toBe(100);

    const list = await request(sut.url).get('/v1/vods?channel=vod-show').expect(200);
    expect(list.body.items.map((v: { id: string }) => v.id)).toEqual([id]);
    await request(sut.url).patch(`/v1/vods/${id}`).send({ title: '다시 보기' }).expect(401);
    const renamed = await request(sut.url).patch(`/v1/vods/${id}`).set('Authorization', `Bearer ${token}`).send({ title: '다시 보기' }).expect(200);
    expect(renamed.body.title).toBe('다시 보기');

    await storage.put(`vod/${id}/hls/master.m3u8`, '#EXTM3U\n');
    await storage.put(`vod/${id}/poster.jpg`, 'jpeg');
    await request(sut.url).delete(`/v1/vods/${id}`).set('Authorization', `Bearer ${token}`).expect(204);
    expect(await storage.head(`vod/${id}/hls/master.m3u8`)).toBeNull();
    expect(await storage.head(`vod/${id}/poster.jpg`)).toBeNull();
    await request(sut.url).get(`/v1/vods/${id}`).expect(404);
  });

  it('fails the VOD when the archive does not match the broadcast', async () => {
    const key = await channel('short-archive', 30);
    const { body } = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    const id = body.sessionId as string;
    await post(`/internal/ingest/sessions/${id}/started`, { source, pullUrl: `rtmp://in-1/live/${id}` }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ended', mediaSeconds: 60 }).expect(204);
    await post(`/internal/worker/vods/${id}/archive`, { status: 'stored', key: `vod/${id}/source.mp4`, bytes: 1000, durationSeconds: 20, mediaSeconds: 60 }).expect(204);
    const vod = await db.prisma.vod.findUniqueOrThrow({ where: { id } });
    expect(vod.status).toBe('failed');
    expect(vod.failureReason).toMatch(/does not match 60.0 s of broadcast/);
    expect(vod.sourceKey).toBeNull();
  });

  it('accepts a shorter archive after a worker takeover only within the reported slack', async () => {
    const key = await channel('taken-over', 30);
    const { body } = await post('/internal/ingest/authorize', { streamKey: key, clientIp: '10.0.0.1', ingestId: 'in-1' }).expect(200);
    const id = body.sessionId as string;
    await post(`/internal/ingest/sessions/${id}/started`, { source, pullUrl: `rtmp://in-1/live/${id}` }).expect(204);
    await post(`/internal/worker/sessions/${id}/events`, { type: 'ended', mediaSeconds: 30 }).expect(204);
    const report = { status: 'stored', key: `vod/${id}/source.mp4`, bytes: 1000, durationSeconds: 18, mediaSeconds: 30 };
    await post(`/internal/worker/vods/${id}/archive`, { ...report, takeoverSlack: { shortSeconds: 12, longSeconds: 4 } }).expect(204);
    expect(await db.prisma.vod.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'processing', sourceBytes: 1000n });
    await post(`/internal/worker/vods/${id}/archive`, { ...report, durationSeconds: 12, takeoverSlack: { shortSeconds: 12, longSeconds: 4 } }).expect(204);
    expect(await db.prisma.vod.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'failed' });
  });
});
