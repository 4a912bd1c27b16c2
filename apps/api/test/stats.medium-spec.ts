import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '@onda/db';
import type { LiveStats, VodStats } from '@onda/contracts';
import { createAdminWithToken } from '../src/index.js';
import { BeaconIngest } from '../src/stats/beacon.ingest.js';
import { StatsService } from '../src/stats/stats.service.js';
import { startHarness, type Harness } from './harness.js';
import { auth, beacon, flush, liveSession, postBeacons, T0, testClock, testStatsOptions, vod } from './stats.support.js';

describe(StatsService.name, () => {
  const clock = testClock();
  let h: Harness;
  let owner: string;
  let other: string;
  let channelId: string;
  let ownerId: string;

  beforeAll(async () => {
    h = await startHarness({ ...testStatsOptions(clock), statsBeaconsPerIpPerMinute: 250 });
    const admin = await createAdminWithToken(h.db.prisma, 'stats-owner@example.com');
    owner = admin.token;
    other = (await createAdminWithToken(h.db.prisma, 'stats-other@example.com')).token;
    ownerId = admin.userId;
    channelId = (await createChannel(h.db.prisma, ownerId)).id;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('aggregates live beacons into hand-computed minutes, totals and QoE', async () => {
    const id = await liveSession(h.db.prisma, channelId, T0, 300);
    const send = async (seconds: number, body: unknown, type: 'json' | 'text' = 'json') => {
      clock.at(seconds);
      return (await postBeacons(h, body, type).expect(202)).body as { accepted: number; ignored: number };
    };
    const L = { liveSessionId: id };
    // C (viewer 1): active [2, 12) -> buckets 0-1, minute 0.
    await send(12, beacon({ ...L, playbackId: 'playback-c', seq: 0, events: [{ type: 'start', startupMs: 400 }] }));
    // A (viewer 1 again, another playback): [50, 55), [53, 65) with a 2 s stall, [65, 75) -> buckets 5-7, minutes 0 and 1, then ends.
    await send(55, beacon({ ...L, playbackId: 'playback-a', seq: 0, watchedSeconds: 5, events: [{ type: 'start', startupMs: 800 }] }));
    await send(65, beacon({ ...L, playbackId: 'playback-a', seq: 1, events: [{ type: 'rebuffer', durationMs: 2000 }] }));
    await send(75, beacon({ ...L, playbackId: 'playback-a', seq: 2, events: [{ type: 'end' }] }));
    // B (viewer 2) at 480p, sent as text/plain like navigator.sendBeacon: [120, 130) -> bucket 12, minute 2; then retried twice.
    const b0 = beacon({ ...L, playbackId: 'playback-b', viewerId: 'viewer-2', seq: 0, rendition: '480p', events: [{ type: 'start', startupMs: 1200 }, { type: 'error', code: 'fragLoadError', fatal: false }] });
    expect(await send(130, b0, 'text')).toEqual({ accepted: 1, ignored: 0 });
    await flush(h);
    expect(await send(130.5, { beacons: [b0, b0] })).toEqual({ accepted: 2, ignored: 0 });
    // Unknown session and a session over for longer than the grace: ignored, still 202.
    const old = await liveSession(h.db.prisma, channelId, T0 - 86_400_000, 60);
    expect(await send(131, { beacons: [beacon({ liveSessionId: '00000000-0000-4000-8000-000000000000', playbackId: 'playback-x', seq: 0 }), beacon({ liveSessionId: old, playbackId: 'playback-y', seq: 0 })] })).toEqual({ accepted: 0, ignored: 2 });
    await flush(h);
    expect(h.sut.app.get(BeaconIngest).counters).toMatchObject({ duplicates: 2 });
    // Chat: two messages in minute 0, one in minute 1; a dropped one is not activity.
    await h.db.prisma.chatMessage.createMany({
      data: [[10, 'delivered'], [20, 'masked'], [70, 'delivered'], [71, 'dropped']].map(([s, outcome], i) => ({
        id: `0190a000-0000-7000-8000-00000000000${i}`, channelId, liveSessionId: id, authorKey: `a:${i}`, nickname: `n${i}`, role: 'viewer', registered: false,
        text: 'hi', outcome: outcome as 'delivered', createdAt: new Date(T0 + (s as number) * 1000),
      })),
    });

    clock.at(140);
    const res = await request(h.sut.url).get(`/v1/live-sessions/${id}/stats`).set(auth(owner)).expect(200);
    const stats = res.body as LiveStats;
    expect(stats.viewersPerMinute).toEqual([
      { minute: '2026-03-01T12:00:00.000Z', viewers: 2, chatMessages: 2 },
      { minute: '2026-03-01T12:01:00.000Z', viewers: 1, chatMessages: 1 },
      { minute: '2026-03-01T12:02:00.000Z', viewers: 1, chatMessages: 0 },
      { minute: '2026-03-01T12:03:00.000Z', viewers: 0, chatMessages: 0 },
      { minute: '2026-03-01T12:04:00.000Z', viewers: 0, chatMessages: 0 },
    ]);
    expect(stats).toMatchObject({
      liveSessionId: id, channelId, startedAt: '2026-03-01T12:00:03.000Z', endedAt: '2026-03-01T12:05:00.000Z',
      // B only: A ended, C's last beacon is older than 30 s.
      concurrentNow: 1,
      peakConcurrent: 2,
      averageConcurrent: 0.8,
      uniqueViewers: 2,
      watchSeconds: 45,
      countries: null,
      ingest: [],
    });
    expect(stats.renditions['720p']).toBeCloseTo(35 / 45, 4);
    expect(stats.renditions['480p']).toBeCloseTo(10 / 45, 4);
    expect(stats.qoe).toEqual({ playbacks: 3, startupMsP50: 800, startupMsP90: 1120, rebufferRatio: expect.closeTo(2 / 47, 6), rebufferEvents: 1, errors: 1, fatalErrors: 0 });
    const buckets = await h.db.prisma.statsLiveBucket.findMany({ where: { liveSessionId: id }, orderBy: { bucket: 'asc' } });
    expect(buckets.map((b) => [b.bucket, b.viewers])).toEqual([[0, 1], [1, 1], [5, 1], [6, 1], [7, 1], [12, 1]]);

    const csv = await request(h.sut.url).get(`/v1/live-sessions/${id}/stats?format=csv`).set(auth(owner)).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="live-${id}-viewers.csv"`);
    expect(csv.text.split('\r\n')).toEqual([
      'minute,viewers,chat_messages', '2026-03-01T12:00:00.000Z,2,2', '2026-03-01T12:01:00.000Z,1,1', '2026-03-01T12:02:00.000Z,1,0',
      '2026-03-01T12:03:00.000Z,0,0', '2026-03-01T12:04:00.000Z,0,0', '',
    ]);
  });

  it('computes VOD retention per 10-second bucket from played ranges, each bucket once per playback', async () => {
    const id = await vod(h.db.prisma, channelId, { durationSeconds: 60 });
    // A live playback whose id sorts first shares each write with the VOD ones (its playback row has no bitmap).
    const live = { liveSessionId: await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, null), playbackId: 'aaa-live-playback' };
    clock.at(1000);
    const V = { vodId: id };
    await postBeacons(h, { beacons: [
      beacon({ ...live, seq: 0 }),
      beacon({ ...V, playbackId: 'vod-playback-1', seq: 0, played: [[0, 25]], watchedSeconds: 25, events: [{ type: 'start', startupMs: 300 }] }),
      beacon({ ...V, playbackId: 'vod-playback-2', viewerId: 'viewer-2', seq: 0, played: [[40, 60]], watchedSeconds: 20 }),
      // Paused at once: a playback, not a view.
      beacon({ ...V, playbackId: 'vod-playback-3', viewerId: 'viewer-3', seq: 0, watchedSeconds: 0, events: [{ type: 'start', startupMs: 700 }] }),
    ] }).expect(202);
    await flush(h);
    await postBeacons(h, { beacons: [
      beacon({ ...live, seq: 1 }),
      beacon({ ...V, playbackId: 'vod-playback-1', seq: 1, played: [[20, 30]], watchedSeconds: 10 }),
      beacon({ ...V, playbackId: 'vod-playback-2', viewerId: 'viewer-2', seq: 1, played: [[5, 8]], watchedSeconds: 3 }),
    ] }).expect(202);
    await flush(h);
    const stats = (await request(h.sut.url).get(`/v1/vods/${id}/stats`).set(auth(owner)).expect(200)).body as VodStats;
    expect(stats).toMatchObject({ vodId: id, views: 2, uniqueViewers: 3, watchSeconds: 58 });
    expect(stats.retention).toEqual([0, 10, 20, 30, 40, 50].map((start, i) => ({ start, sessions: [2, 1, 1, 0, 1, 1][i] })));
    expect(stats.qoe).toMatchObject({ playbacks: 3, startupMsP50: 500, rebufferRatio: 0, errors: 0 });
    const csv = await request(h.sut.url).get(`/v1/vods/${id}/stats?format=csv`).set(auth(owner)).expect(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="vod-${id}-retention.csv"`);
    expect(csv.text).toBe('start_seconds,sessions\r\n0,2\r\n10,1\r\n20,1\r\n30,0\r\n40,1\r\n50,1\r\n');
  });

  it('shows statistics to the owner only', async () => {
    const id = await liveSession(h.db.prisma, channelId, T0, 60);
    const vodId = await vod(h.db.prisma, channelId, { durationSeconds: 10 });
    const narrow = (await request(h.sut.url).post('/v1/tokens').set(auth(owner)).send({ name: 'narrow', scopes: ['channels:read'] }).expect(201)).body.token as string;
    for (const path of [`/v1/live-sessions/${id}/stats`, `/v1/live-sessions/${id}/timeline`, `/v1/vods/${vodId}/stats`]) {
      await request(h.sut.url).get(path).expect(401).expect('content-type', /application\/problem\+json/);
      await request(h.sut.url).get(path).set(auth(narrow)).expect(403);
      const res = await request(h.sut.url).get(path).set(auth(other)).expect(404);
      expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
      await request(h.sut.url).get(path).set(auth(owner)).expect(200);
    }
    await request(h.sut.url).get('/v1/live-sessions/not-a-uuid/stats').set(auth(owner)).expect(400);
    await request(h.sut.url).get(`/v1/live-sessions/${id}/stats?format=xml`).set(auth(owner)).expect(400);
  });

  it('answers bad beacons with 4xx problems and limits each address', async () => {
    const id = await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, null);
    clock.at(5000);
    const cases: Array<[string, () => request.Test, number]> = [
      ['broken text/plain JSON', () => request(h.sut.url).post('/v1/beacons').set('content-type', 'text/plain').send('{"beacons":['), 400],
      ['broken JSON', () => request(h.sut.url).post('/v1/beacons').set('content-type', 'application/json').send('{"beacons":['), 400],
      ['not a beacon', () => postBeacons(h, { hello: 'world' }), 400],
      ['both targets', () => postBeacons(h, beacon({ liveSessionId: id, vodId: id, playbackId: 'playback-z', seq: 0 })), 400],
      ['negative seq', () => postBeacons(h, beacon({ liveSessionId: id, playbackId: 'playback-z', seq: -1 }), 'text'), 400],
      ['empty batch', () => postBeacons(h, { beacons: [] }), 400],
      ['form', () => request(h.sut.url).post('/v1/beacons').set('content-type', 'application/x-www-form-urlencoded').send('a=1'), 415],
      ['oversized text', () => request(h.sut.url).post('/v1/beacons').set('content-type', 'text/plain').send('x'.repeat(70_000)), 413],
    ];
    for (const [name, call, status] of cases) {
      const res = await call();
      expect(res.status, name).toBe(status);
      expect(res.headers['content-type'], name).toMatch(/application\/problem\+json/);
    }
    const hundred = (from: number) => ({ beacons: Array.from({ length: 100 }, (_, i) => beacon({ liveSessionId: id, playbackId: 'playback-limit', seq: from + i })) });
    await postBeacons(h, hundred(0)).expect(202);
    await postBeacons(h, hundred(100)).expect(202);
    const limited = await postBeacons(h, hundred(200)).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock.at(5060);
    await postBeacons(h, hundred(200)).expect(202);
    await flush(h);
    expect(await h.db.prisma.statsBeacon.count({ where: { playbackId: 'playback-limit' } })).toBe(300);
  });

  it('counts a playback once when its beacons and their retries reach two API nodes', async () => {
    const second = await startHarness(testStatsOptions(clock), h.db);
    try {
      const id = await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, null);
      const P = { liveSessionId: id, playbackId: 'playback-two-nodes' };
      const seq0 = beacon({ ...P, seq: 0, watchedSeconds: 5 });
      const seq1 = beacon({ ...P, seq: 1 });
      clock.at(15);
      await postBeacons(h, seq0).expect(202);
      await flush(h);
      // Retries reach either node; both nodes' writes race (a retry is stamped when it arrives, so seq0 went first).
      clock.at(25);
      await postBeacons(h, { beacons: [seq0, seq1] }).expect(202);
      await postBeacons(second, { beacons: [seq1, seq0] }).expect(202);
      clock.at(35);
      const seq2 = beacon({ ...P, seq: 2 });
      await postBeacons(second, seq2).expect(202);
      await postBeacons(h, seq2, 'text').expect(202);
      await Promise.all([flush(h), flush(second)]);
      const playback = await h.db.prisma.statsPlayback.findUniqueOrThrow({ where: { playbackId: P.playbackId } });
      expect(playback).toMatchObject({ beacons: 3, watchSeconds: 25, lastBucket: 3 });
      const buckets = await h.db.prisma.statsLiveBucket.findMany({ where: { liveSessionId: id }, orderBy: { bucket: 'asc' } });
      expect(buckets.map((b) => [b.bucket, b.viewers])).toEqual([[1, 1], [2, 1], [3, 1]]);
      expect((await h.db.prisma.statsLiveMinute.findMany({ where: { liveSessionId: id } })).map((m) => [m.minute, m.viewers])).toEqual([[0, 1]]);
    } finally {
      await second.close();
    }
  });
});
