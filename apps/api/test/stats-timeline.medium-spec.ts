import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '@onda/db';
import type { LiveStats, SessionTimeline, VodChatReplay } from '@onda/contracts';
import { createAdminWithToken } from '../src/index.js';
import { StatsRetention } from '../src/stats/stats-retention.js';
import { StatsService } from '../src/stats/stats.service.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';
import { auth, beacon, flush, liveSession, postBeacons, T0, testClock, testStatsOptions, vod } from './stats.support.js';

/** A storyboard as the VOD encode writes it: one 160x90 tile per 10 s, 10 per row. */
const storyboard = (seconds: number): string => {
  const t = (s: number) => `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
  const cues = Array.from({ length: seconds / 10 }, (_, n) => `${t(n * 10)} --> ${t(n * 10 + 10)}\nstoryboard.jpg#xywh=${(n % 10) * 160},${Math.floor(n / 10) * 90},160,90\n`);
  return `WEBVTT\n\n${cues.join('\n')}`;
};

describe('stats timeline, chat replay, ingest health, retention', () => {
  const clock = testClock();
  let h: Harness;
  let owner: string;
  let ownerId: string;

  beforeAll(async () => {
    h = await startHarness(testStatsOptions(clock));
    const admin = await createAdminWithToken(h.db.prisma, 'timeline@example.com');
    owner = admin.token;
    ownerId = admin.userId;
  });

  afterAll(async () => {
    await h?.close();
  });

  const messages = (channelId: string, liveSessionId: string, rows: Array<{ at: number; author: string; outcome?: 'delivered' | 'dropped'; deleted?: boolean; kind?: 'announcement' }>) =>
    h.db.prisma.chatMessage.createMany({
      data: rows.map((r, i) => ({
        id: randomUUID(), channelId, liveSessionId, authorKey: r.author, nickname: `nick-${r.author.slice(2)}`, role: 'viewer', registered: false, text: `message ${i}`,
        outcome: r.outcome ?? 'delivered', kind: r.kind ?? 'message', createdAt: new Date(T0 + r.at), deletedAt: r.deleted ? new Date(T0 + r.at + 1) : null,
      })),
    });

  it('lines chat, reactions, viewers and VOD sessions up per 10 s and finds the planted chat burst', async () => {
    const channelId = (await createChannel(h.db.prisma, ownerId)).id;
    const id = await liveSession(h.db.prisma, channelId, T0, 600);
    await vod(h.db.prisma, channelId, { liveSessionId: id, durationSeconds: 600 });
    await h.storage.put(`vod/${id}/storyboard.vtt`, storyboard(600));
    // Steady background chat of 0-2 messages per bucket...
    const rows: Array<{ at: number; author: string }> = [];
    for (let b = 0; b < 60; b++) {
      if (b === 30 || b === 31) continue;
      for (let k = 0; k < [1, 0, 2, 1, 0, 1][b % 6]!; k++) rows.push({ at: b * 10_000 + 1000 + k * 1000, author: `a:bg${k}` });
    }
    // ...and the burst: 12 messages from 8 people in [300, 310) s, 8 more in [310, 320) s.
    for (let k = 0; k < 12; k++) rows.push({ at: 300_000 + k * 700, author: `a:fan${k % 8}` });
    for (let k = 0; k < 8; k++) rows.push({ at: 310_000 + k * 1000, author: `a:fan${k}` });
    await messages(channelId, id, rows);
    const stats = h.sut.app.get(StatsService);
    for (let k = 0; k < 3; k++) await stats.countReaction(id, new Date(T0 + 305_000));
    clock.at(48);
    await postBeacons(h, beacon({ liveSessionId: id, playbackId: 'timeline-viewer', seq: 0 })).expect(202);
    clock.at(700);
    await postBeacons(h, beacon({ vodId: id, playbackId: 'timeline-vod-viewer', seq: 0, played: [[295, 315]], watchedSeconds: 20 })).expect(202);
    await flush(h);

    const timeline = (await request(h.sut.url).get(`/v1/live-sessions/${id}/timeline`).set(auth(owner)).expect(200)).body as SessionTimeline;
    expect(timeline).toMatchObject({ liveSessionId: id, vodId: id, bucketSeconds: 10 });
    expect(timeline.buckets).toHaveLength(60);
    expect(timeline.buckets[30]).toEqual({ start: 300, chatMessages: 12, uniqueChatters: 8, reactions: 3, viewers: 0, vodSessions: 1 });
    expect(timeline.buckets[31]).toEqual({ start: 310, chatMessages: 8, uniqueChatters: 8, reactions: 0, viewers: 0, vodSessions: 1 });
    expect(timeline.buckets[3]).toEqual({ start: 30, chatMessages: 1, uniqueChatters: 1, reactions: 0, viewers: 1, vodSessions: 0 });
    expect(timeline.buckets[29]!.vodSessions).toBe(1);
    const [top] = timeline.highlights;
    expect(top).toMatchObject({ start: 290, end: 320, url: `/v/${id}?t=290`, thumbnailUrl: `http://onda.test/media/vod/${id}/storyboard.jpg#xywh=1440,180,160,90` });
    expect(top!.reasons[0]).toMatch(/^chat x\d+\.\d over baseline$/);
    expect(top!.signals[0]).toMatchObject({ kind: 'chat-ratio' });
    expect(timeline.highlights.every((m) => m.score <= top!.score)).toBe(true);

    const csv = await request(h.sut.url).get(`/v1/live-sessions/${id}/timeline?format=csv`).set(auth(owner)).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('start_seconds,chat_messages,unique_chatters,reactions,viewers,vod_sessions');
    expect(lines[31]).toBe('300,12,8,3,0,1');
    expect(lines).toHaveLength(62);
  });

  it('replays a VOD\'s chat with offsets, in pages of at most 500, to whoever may read the VOD', async () => {
    const channel = await createChannel(h.db.prisma, ownerId, { visibility: 'private' });
    const id = await liveSession(h.db.prisma, channel.id, T0, 900);
    await vod(h.db.prisma, channel.id, { liveSessionId: id, durationSeconds: 900 });
    // 620 messages 0.5 s apart; numbers 499 and 500 share a millisecond; plus ones viewers never saw.
    const rows = Array.from({ length: 620 }, (_, i) => ({ at: (i === 500 ? 499 : i) * 500 + 2000, author: `a:${i % 7}` }));
    await messages(channel.id, id, [...rows, { at: 3000, author: 'a:spam', outcome: 'dropped' }, { at: 3100, author: 'a:gone', deleted: true }, { at: 4000, author: 'u:mod', kind: 'announcement' }]);

    await request(h.sut.url).get(`/v1/vods/${id}/chat`).expect(404);
    const first = (await request(h.sut.url).get(`/v1/vods/${id}/chat`).set(auth(owner)).expect(200)).body as VodChatReplay;
    expect(first.items).toHaveLength(500);
    expect(first.items[0]).toMatchObject({ offsetSeconds: 2, author: { key: 'a:0', nickname: 'nick-0', role: 'viewer', registered: false }, kind: 'message', masked: false });
    expect(first.items.some((m) => m.kind === 'announcement')).toBe(true);
    expect(first.items.some((m) => m.author.key === 'a:spam' || m.author.key === 'a:gone')).toBe(false);
    expect(first.nextFrom).toBe(251.5);
    expect(first.items.at(-1)!.offsetSeconds).toBeLessThan(251.5);
    const second = (await request(h.sut.url).get(`/v1/vods/${id}/chat?from=${first.nextFrom}`).set(auth(owner)).expect(200)).body as VodChatReplay;
    expect(second.nextFrom).toBeNull();
    const ids = [...first.items, ...second.items].map((m) => m.id);
    expect(new Set(ids).size).toBe(621);
    const window = (await request(h.sut.url).get(`/v1/vods/${id}/chat?from=10&to=20`).set(auth(owner)).expect(200)).body as VodChatReplay;
    expect(window.items.map((m) => m.offsetSeconds)).toEqual(Array.from({ length: 21 }, (_, i) => 10 + i * 0.5));

    await request(h.sut.url).get(`/v1/vods/${id}/chat?from=-1`).set(auth(owner)).expect(400);
    await request(h.sut.url).get(`/v1/vods/${id}/chat?from=20&to=10`).set(auth(owner)).expect(400);
    await request(h.sut.url).get(`/v1/vods/${id}/chat?since=1`).set(auth(owner)).expect(400);
    const upload = await vod(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, { durationSeconds: 30 });
    expect((await request(h.sut.url).get(`/v1/vods/${upload}/chat`).expect(200)).body).toEqual({ items: [], nextFrom: null });
  });

  it('stores the worker\'s ingest health and shows it in the live statistics', async () => {
    const id = await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, 60);
    const point = (s: number) => ({ at: new Date(T0 + s * 1000).toISOString(), bitrateKbps: 2500 + s, fps: 30, keyframeIntervalSeconds: 2, droppedFrames: s, speed: 1.01 });
    const post = (sid: string, body: object, token = INTERNAL) => request(h.sut.url).post(`/internal/worker/sessions/${sid}/health`).set(auth(token)).send(body);
    await post(id, point(10)).expect(204);
    await post(id, point(20)).expect(204);
    await post(id, point(20)).expect(204);
    await post(randomUUID(), point(10)).expect(404);
    await post(id, point(10), 'wrong-token').expect(401);
    await post(id, { ...point(10), fps: -1 }).expect(400);
    await post(id, { ...point(10), at: 'yesterday' }).expect(400);
    clock.at(70);
    const stats = (await request(h.sut.url).get(`/v1/live-sessions/${id}/stats`).set(auth(owner)).expect(200)).body as LiveStats;
    expect(stats.ingest).toEqual([point(10), point(20)]);
  });

  it('deletes raw beacons past the retention, one API node at a time, and keeps the aggregates', async () => {
    const id = await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, null);
    clock.at(10);
    await postBeacons(h, { beacons: Array.from({ length: 12 }, (_, i) => beacon({ liveSessionId: id, playbackId: `retention-${i % 3}`, seq: i })) }).expect(202);
    await flush(h);
    await h.db.prisma.statsBeacon.updateMany({ where: { playbackId: { in: ['retention-0', 'retention-1'] } }, data: { receivedAt: new Date(T0 - 8 * 86_400_000) } });
    const retention = h.sut.app.get(StatsRetention);
    // Another node holds the lock: this one skips.
    const whileLocked = await h.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(606010001)');
      return retention.run();
    });
    expect(whileLocked).toEqual({ deleted: 0, skipped: true });
    expect(await retention.run()).toEqual({ deleted: 8, skipped: false });
    expect(await h.db.prisma.statsBeacon.count({ where: { liveSessionId: id } })).toBe(4);
    expect(await h.db.prisma.statsPlayback.count({ where: { liveSessionId: id } })).toBe(3);
    expect((await h.db.prisma.statsPlayback.findUniqueOrThrow({ where: { playbackId: 'retention-0' } })).beacons).toBe(4);
    expect(await retention.run()).toEqual({ deleted: 0, skipped: false });
  });
});
