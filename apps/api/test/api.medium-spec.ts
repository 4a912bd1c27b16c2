import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createUser } from '@onda/db';
import { createQueue, type JobQueue } from '@onda/queue';
import { createStorage, type ObjectStorage } from '@onda/storage';
import type { JobContext } from '@onda/queue';
import { createAdminWithToken, startApi, type RunningApi } from '../src/index.js';

const INTERNAL = 'internal-token-for-tests-0123456789';

describe('Onda API (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let storage: ObjectStorage;
  let sut: RunningApi;
  let dir: string;
  let token: string;
  let otherToken: string;
  const jobs: Array<JobContext<'live'>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'onda-api-'));
    queue = createQueue({});
    queue.consume('live', async (job) => {
      jobs.push(job);
    });
    storage = createStorage({ localDir: dir });
    sut = await startApi(
      {
        prisma: db.prisma,
        queue,
        storage,
        options: { publicUrl: 'http://onda.test', rtmpPublicUrl: 'rtmp://onda.test/live', internalToken: INTERNAL, secret: 'x'.repeat(40) },
      },
      { host: '127.0.0.1', port: 0, logLevel: 'warn' },
    );
    token = (await createAdminWithToken(db.prisma, 'owner@example.com')).token;
    const other = await createUser(db.prisma, { email: 'other@example.com', role: 'viewer' });
    otherToken = (await createAdminWithToken(db.prisma, other.email)).token;
    // createAdminWithToken promotes; demote again so "other" is a plain user with a token.
    await db.prisma.user.update({ where: { id: other.id }, data: { role: 'viewer' } });
  });

  afterAll(async () => {
    await sut?.close();
    await queue?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  it('creates a channel for the token owner and refuses without a token', async () => {
    await request(sut.url).post('/v1/channels').send({ slug: 'no-auth', title: 'x' }).expect(401).expect('content-type', /application\/problem\+json/);
    const res = await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'first-show', title: '첫 방송' }).expect(201);
    expect(res.body).toMatchObject({ slug: 'first-show', title: '첫 방송', status: 'offline', liveSession: null });
    const dup = await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'first-show', title: 'again' }).expect(409);
    expect(dup.body).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('answers invalid input with 4xx problem+json and writes nothing', async () => {
    const before = await db.prisma.channel.count();
    const cases: Array<[string, () => request.Test, number]> = [
      ['missing title', () => request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'abc' }), 400],
      ['bad slug', () => request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'Bad Slug!', title: 't' }), 400],
      ['unknown field', () => request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'abcd', title: 't', owner: 'me' }), 400],
      ['wrong type', () => request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 42, title: ['t'] }), 400],
      ['broken json', () => request(sut.url).post('/v1/channels').set(auth(token)).set('content-type', 'application/json').send('{"slug":'), 400],
      ['oversized', () => request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'big', title: 'x'.repeat(100_000) }), 413],
      ['sql injection', () => request(sut.url).get("/v1/channels/'%3B%20DROP%20TABLE%20channels%3B--"), 400],
      ['negative limit', () => request(sut.url).get('/v1/channels?limit=-1'), 400],
      ['garbage cursor', () => request(sut.url).get('/v1/channels?cursor=zzz'), 400],
      ['unknown route', () => request(sut.url).get('/v1/nope'), 404],
      ['bad token', () => request(sut.url).get('/v1/channels/first-show/stream-key').set(auth('onda_wrong')), 401],
      ['internal without token', () => request(sut.url).post('/internal/ingest/authorize').send({ streamKey: 'x', clientIp: '1', ingestId: 'i' }), 401],
    ];
    for (const [name, send, status] of cases) {
      const res = await send();
      expect(res.status, name).toBe(status);
      expect(res.headers['content-type'], name).toMatch(/application\/problem\+json/);
      expect(res.body, name).toMatchObject({ status, type: expect.any(String), title: expect.any(String), code: expect.any(String), detail: expect.any(String) });
    }
    expect(await db.prisma.channel.count()).toBe(before);
  });

  it("shows the stream key to its owner only and rotates it", async () => {
    const key = await request(sut.url).get('/v1/channels/first-show/stream-key').set(auth(token)).expect(200);
    expect(key.body.streamKey).toMatch(/^live_[A-Za-z0-9_-]{32}$/);
    expect(key.body.rtmpUrl).toBe('rtmp://onda.test/live');
    await request(sut.url).get('/v1/channels/first-show/stream-key').set(auth(otherToken)).expect(404);
    const stored = await db.prisma.streamKey.findFirstOrThrow({ where: { revokedAt: null, channel: { slug: 'first-show' } } });
    expect(JSON.stringify(stored)).not.toContain(key.body.streamKey);
    const rotated = await request(sut.url).post('/v1/channels/first-show/stream-key/rotate').set(auth(token)).expect(200);
    expect(rotated.body.streamKey).not.toBe(key.body.streamKey);
    const refused = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.body.streamKey, clientIp: '127.0.0.1', ingestId: 'test' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('stream_key_invalid');
  });

  it('follows a broadcast from publish to live to ended', async () => {
    const { body: key } = await request(sut.url).get('/v1/channels/first-show/stream-key').set(auth(token)).expect(200);
    const authz = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'test' }).expect(200);
    const { sessionId } = authz.body as { sessionId: string };
    // A second publisher with the same key while the first is connected is refused.
    await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.2', ingestId: 'test' }).expect(409);
    const source = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
    await request(sut.url).post(`/internal/ingest/sessions/${sessionId}/started`).set(auth(INTERNAL)).send({ source, pullUrl: `rtmp://127.0.0.1:1935/live/${sessionId}?token=t` }).expect(204);
    await expect.poll(() => jobs.length).toBe(1);
    expect(jobs[0]!.payload).toMatchObject({ sessionId, source, storagePrefix: `live/${sessionId}`, segmentSeconds: 2, passthrough: false });

    let channel = (await request(sut.url).get('/v1/channels/first-show').expect(200)).body;
    expect(channel.status).toBe('offline');
    expect(channel.liveSession).toMatchObject({ id: sessionId, state: 'starting', playbackUrl: null });

    await request(sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ready', renditions: ['720p', '480p', '360p'] }).expect(204);
    channel = (await request(sut.url).get('/v1/channels/first-show').expect(200)).body;
    expect(channel.status).toBe('live');
    expect(channel.liveSession.playbackUrl).toBe(`http://onda.test/media/live/${sessionId}/master.m3u8`);
    const live = (await request(sut.url).get('/v1/channels?live=true').expect(200)).body;
    expect(live.items.map((c: { slug: string }) => c.slug)).toEqual(['first-show']);

    await request(sut.url).post(`/internal/ingest/sessions/${sessionId}/disconnected`).set(auth(INTERNAL)).send({ reason: 'socket closed' }).expect(204);
    // The session waits for the publisher through the channel's reconnect window.
    const view = () => request(sut.url).get(`/internal/worker/sessions/${sessionId}`).set(auth(INTERNAL)).expect(200).then((r) => r.body);
    expect(await view()).toEqual({ id: sessionId, state: 'reconnecting', publisherConnected: false, pullUrl: `rtmp://127.0.0.1:1935/live/${sessionId}?token=t`, finish: false });
    // The encoder comes back through the balancer on another ingest node: the same session, and the worker
    // learns where to pull from only once that node reports it (never the old node's URL).
    const again = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'ingest-b' }).expect(200);
    expect(again.body.sessionId).toBe(sessionId);
    expect(await view()).toEqual({ id: sessionId, state: 'live', publisherConnected: true, pullUrl: null, finish: false });
    await request(sut.url).post(`/internal/ingest/sessions/${sessionId}/started`).set(auth(INTERNAL)).send({ source, pullUrl: `rtmp://10.0.0.2:1935/live/${sessionId}?token=t` }).expect(204);
    expect(await view()).toMatchObject({ publisherConnected: true, pullUrl: `rtmp://10.0.0.2:1935/live/${sessionId}?token=t` });
    await request(sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ended', mediaSeconds: 20 }).expect(204);
    channel = (await request(sut.url).get('/v1/channels/first-show').expect(200)).body;
    expect(channel).toMatchObject({ status: 'offline', liveSession: null });
    expect((await request(sut.url).get('/v1/channels?live=true').expect(200)).body.items).toEqual([]);
  });

  it("hands the channel's passthrough setting to the live job", async () => {
    await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'studio-copy', title: 'Source quality', passthrough: true }).expect(201);
    const { body: key } = await request(sut.url).get('/v1/channels/studio-copy/stream-key').set(auth(token)).expect(200);
    const { body } = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'test' }).expect(200);
    const source = { width: 1920, height: 1080, fps: 30, hasAudio: false, videoCodec: 'h264', audioCodec: null };
    await request(sut.url).post(`/internal/ingest/sessions/${body.sessionId}/started`).set(auth(INTERNAL)).send({ source, pullUrl: 'rtmp://127.0.0.1:1935/live/x' }).expect(204);
    await expect.poll(() => jobs.find((j) => j.payload.sessionId === body.sessionId)?.payload.passthrough).toBe(true);
    await request(sut.url).post(`/internal/worker/sessions/${body.sessionId}/events`).set(auth(INTERNAL)).send({ type: 'failed', reason: 'test over' }).expect(204);
    expect((await request(sut.url).get('/v1/channels/studio-copy').expect(200)).body.liveSession).toBeNull();
  });

  it('pages through channels with a cursor', async () => {
    for (const n of [1, 2, 3]) await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: `page-${n}`, title: `Page ${n}` }).expect(201);
    const first = (await request(sut.url).get('/v1/channels?limit=2').expect(200)).body;
    expect(first.items.map((c: { slug: string }) => c.slug)).toEqual(['page-3', 'page-2']);
    const second = (await request(sut.url).get(`/v1/channels?limit=2&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.items.map((c: { slug: string }) => c.slug)).toEqual(['page-1', 'studio-copy']);
    const third = (await request(sut.url).get(`/v1/channels?limit=2&cursor=${second.nextCursor}`).expect(200)).body;
    expect(third.items.map((c: { slug: string }) => c.slug)).toEqual(['first-show']);
    expect(third.nextCursor).toBeNull();
  });

  it('serves HLS objects with their content types and cache headers', async () => {
    await storage.put('live/s1/master.m3u8', '#EXTM3U\n');
    await storage.put('live/s1/720p/r0_00001.ts', Buffer.from([0x47, 1, 2, 3]));
    const playlist = await request(sut.url).get('/media/live/s1/master.m3u8').expect(200);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers['cache-control']).toBe('public, max-age=0, s-maxage=1');
    expect(playlist.headers['access-control-allow-origin']).toBe('*');
    const segment = await request(sut.url).get('/media/live/s1/720p/r0_00001.ts').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(segment.headers['content-type']).toBe('video/mp2t');
    expect(segment.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.compare(segment.body as Buffer, Buffer.from([0x47, 1, 2, 3]))).toBe(0);
    await request(sut.url).get('/media/live/s1/missing.ts').expect(404);
    await request(sut.url).get('/media/../secret.key').expect(404);
  });

  it("fixes the channel's latency mode per broadcast: job, session, playback", async () => {
    await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'fast-show', title: 'Low latency', latencyMode: 'low' }).expect(201);
    const { body: key } = await request(sut.url).get('/v1/channels/fast-show/stream-key').set(auth(token)).expect(200);
    const { body } = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'test' }).expect(200);
    // Changing the setting after the publish does not change this broadcast.
    await request(sut.url).patch('/v1/channels/fast-show').set(auth(token)).send({ latencyMode: 'normal' }).expect(200);
    const source = { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
    await request(sut.url).post(`/internal/ingest/sessions/${body.sessionId}/started`).set(auth(INTERNAL)).send({ source, pullUrl: 'rtmp://127.0.0.1:1935/live/x' }).expect(204);
    await expect.poll(() => jobs.find((j) => j.payload.sessionId === body.sessionId)?.payload.latencyMode).toBe('low');
    await request(sut.url).post(`/internal/worker/sessions/${body.sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ready', renditions: ['720p'] }).expect(204);
    const channel = (await request(sut.url).get('/v1/channels/fast-show').expect(200)).body;
    expect(channel).toMatchObject({ latencyMode: 'normal', liveSession: { id: body.sessionId, latencyMode: 'low' } });
    expect((await request(sut.url).get('/v1/channels/fast-show/playback').expect(200)).body).toMatchObject({ live: true, latencyMode: 'low' });
    expect((await request(sut.url).get(`/v1/live-sessions/${body.sessionId}`).set(auth(token)).expect(200)).body).toMatchObject({ latencyMode: 'low' });
    await request(sut.url).post(`/internal/worker/sessions/${body.sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ended', mediaSeconds: 4 }).expect(204);
    expect((await request(sut.url).get('/v1/channels/fast-show/playback').expect(200)).body).toMatchObject({ live: false, latencyMode: 'normal' });
  });

  it('keeps a refused publish failed when its disconnect report races its start report', async () => {
    // The ingest refuses an HEVC publish and closes it at once: `started` (which fails the session) and
    // `disconnected` can reach the API together. Each round sends both at the same moment.
    const hevc = { width: 1920, height: 1080, fps: 30, hasAudio: true, videoCodec: 'hevc', audioCodec: 'aac' };
    const sessions: string[] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await request(sut.url).post('/v1/channels').set(auth(token)).send({ slug: `hevc-race-${n}`, title: 'HEVC', reconnectWindowSeconds: 0 }).expect(201);
      const { body: key } = await request(sut.url).get(`/v1/channels/hevc-race-${n}/stream-key`).set(auth(token)).expect(200);
      const { body } = await request(sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey: key.streamKey, clientIp: '127.0.0.1', ingestId: 'test' }).expect(200);
      sessions.push(body.sessionId as string);
    }
    await Promise.all(sessions.flatMap((id) => [
      request(sut.url).post(`/internal/ingest/sessions/${id}/started`).set(auth(INTERNAL)).send({ source: hevc, pullUrl: 'rtmp://127.0.0.1:1935/live/x' }).expect(204),
      request(sut.url).post(`/internal/ingest/sessions/${id}/disconnected`).set(auth(INTERNAL)).send({ reason: 'refused' }).expect(204),
    ]));
    const rows = await db.prisma.liveSession.findMany({ where: { id: { in: sessions } } });
    expect(rows.map((r) => [r.state, r.endReason?.slice(0, 38)])).toEqual(sessions.map(() => ['failed', 'The encoder sends HEVC (H.265) video, ']));
    expect(jobs.filter((j) => sessions.includes(j.payload.sessionId as string))).toEqual([]);
  });

  it('documents every public route in the OpenAPI spec', async () => {
    const spec = (await request(sut.url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const router = sut.app.getHttpAdapter().getInstance().router as { stack: Array<{ route?: { path: string; methods?: Record<string, boolean>; stack?: Array<{ method: string }> } }> };
    const routes = router.stack
      .filter((layer) => layer.route?.path.startsWith('/v1/') && !layer.route.path.startsWith('/v1/docs') && layer.route.path !== '/v1/openapi.json')
      .flatMap((layer) => (layer.route!.stack ?? []).map((s) => [layer.route!.path.replace(/:([A-Za-z]+)/g, '{$1}'), s.method] as const));
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const [p, method] of routes) {
      expect(spec.paths[p]?.[method], `${method.toUpperCase()} ${p} missing from the spec`).toBeDefined();
    }
  });
});
