import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '@onda/db';
import type { LiveStats } from '@onda/contracts';
import { createAdminWithToken } from '../src/index.js';
import { BeaconIngest } from '../src/stats/beacon.ingest.js';
import { PlaybackTicketService } from '../src/stats/playback-ticket.service.js';
import { startHarness, type Harness } from './harness.js';
import { auth, beacon, flush, liveSession, postBeacons, T0, testClock, testStatsOptions, vod } from './stats.support.js';

/** Security issue #12, finding 9: statistics count only players the API issued a playback ticket to. */
describe(PlaybackTicketService.name, () => {
  const clock = testClock();
  let h: Harness;
  let owner: string;
  let other: string;
  let ownerId: string;
  let publicSession: string;
  let privateSession: string;
  let privateVod: string;

  const ticket = (body: object, token?: string) => {
    const req = request(h.sut.url).post('/v1/beacons/tickets');
    return (token ? req.set(auth(token)) : req).send(body);
  };
  const stats = async (id: string) => (await request(h.sut.url).get(`/v1/live-sessions/${id}/stats`).set(auth(owner)).expect(200)).body as LiveStats;

  beforeAll(async () => {
    h = await startHarness(testStatsOptions(clock, { ticketsPerIp: { limit: 4, windowMs: 600_000 } }));
    const admin = await createAdminWithToken(h.db.prisma, 'tickets-owner@example.com');
    owner = admin.token;
    ownerId = admin.userId;
    other = (await createAdminWithToken(h.db.prisma, 'tickets-other@example.com')).token;
    publicSession = await liveSession(h.db.prisma, (await createChannel(h.db.prisma, ownerId)).id, T0, null);
    const hidden = await h.db.prisma.channel.create({ data: { ownerId, slug: 'tickets-private', title: 'private', visibility: 'private' } });
    privateSession = await liveSession(h.db.prisma, hidden.id, T0, null);
    privateVod = await vod(h.db.prisma, hidden.id, { durationSeconds: 60 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('drops and counts beacons without a valid ticket: 100 made-up playbacks make no viewer', async () => {
    clock.at(20);
    const forged = { beacons: Array.from({ length: 100 }, (_, i) => beacon({ liveSessionId: publicSession, playbackId: `forged-${i}`, seq: 0 })) };
    expect((await postBeacons(h, forged, 'json', { tickets: false }).expect(202)).body).toEqual({ accepted: 0, ignored: 100 });
    const bogus = { beacons: [beacon({ liveSessionId: publicSession, playbackId: 'forged-x', seq: 0, ticket: `${Math.floor(T0 / 1000) + 600}.${'A'.repeat(43)}` })] };
    expect((await postBeacons(h, bogus).expect(202)).body).toEqual({ accepted: 0, ignored: 1 });
    await flush(h);
    expect((await stats(publicSession)).concurrentNow).toBe(0);
    expect(h.sut.app.get(BeaconIngest).counters.unticketed).toBe(101);
    const metrics = await request(h.sut.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/onda_beacons_ignored_total\{reason="no_ticket"\} 101/);
  });

  it('one ticket is one viewer: 100 beacons carrying it count once, other playbacks cannot borrow it', async () => {
    clock.at(30);
    const issued = (await ticket({ liveSessionId: publicSession, viewerId: 'viewer-t1', playbackId: 'ticketed-1' }).expect(201)).body as { ticket: string; expiresAt: string };
    expect(Date.parse(issued.expiresAt)).toBe(T0 + 30_000 + 600_000);
    const borrowed = { beacons: Array.from({ length: 100 }, (_, i) => beacon({ liveSessionId: publicSession, viewerId: 'viewer-t1', playbackId: `borrower-${i}`, seq: 0, ticket: issued.ticket })) };
    expect((await postBeacons(h, borrowed).expect(202)).body).toEqual({ accepted: 0, ignored: 100 });
    const same = { beacons: Array.from({ length: 100 }, (_, i) => beacon({ liveSessionId: publicSession, viewerId: 'viewer-t1', playbackId: 'ticketed-1', seq: i, ticket: issued.ticket })) };
    expect((await postBeacons(h, same).expect(202)).body).toEqual({ accepted: 100, ignored: 0 });
    await flush(h);
    expect((await stats(publicSession)).concurrentNow).toBe(1);
    // The ticket is a credential, not a statistic: it is not stored with the beacon.
    expect(JSON.stringify(await h.db.prisma.statsBeacon.findFirst({ where: { playbackId: 'ticketed-1' } }))).not.toContain(issued.ticket);
    // Expired: ignored.
    clock.at(30 + 601);
    const late = beacon({ liveSessionId: publicSession, viewerId: 'viewer-t1', playbackId: 'ticketed-1', seq: 500, ticket: issued.ticket });
    expect((await postBeacons(h, late).expect(202)).body).toEqual({ accepted: 0, ignored: 1 });
  });

  it('a private session or VOD id reveals nothing without a ticket its owner could get', async () => {
    clock.at(40);
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const anonymousPrivate = await ticket({ liveSessionId: privateSession, viewerId: 'viewer-p', playbackId: 'private-1' }).expect(404);
    const anonymousUnknown = await ticket({ liveSessionId: unknown, viewerId: 'viewer-p', playbackId: 'private-1' }).expect(404);
    expect(anonymousPrivate.body.detail).toBe(anonymousUnknown.body.detail);
    await ticket({ liveSessionId: privateSession, viewerId: 'viewer-p', playbackId: 'private-1' }, other).expect(404);
    await ticket({ vodId: privateVod, viewerId: 'viewer-p', playbackId: 'private-v' }, other).expect(404);
    const b = (id: string) => beacon({ liveSessionId: id, playbackId: 'private-probe', seq: 0 });
    const probePrivate = await postBeacons(h, b(privateSession), 'json', { tickets: false }).expect(202);
    const probeUnknown = await postBeacons(h, b(unknown), 'json', { tickets: false }).expect(202);
    expect(probePrivate.body).toEqual(probeUnknown.body);
    // A ticket of the public session does not open the private one.
    const pub = (await ticket({ liveSessionId: publicSession, viewerId: 'viewer-p', playbackId: 'private-probe' }).expect(201)).body.ticket as string;
    expect((await postBeacons(h, { ...b(privateSession), ticket: pub }).expect(202)).body).toEqual({ accepted: 0, ignored: 1 });
    // The owner may watch, so the owner's player gets a ticket and counts.
    const own = (await ticket({ liveSessionId: privateSession, viewerId: 'viewer-o', playbackId: 'private-own' }, owner).expect(201)).body.ticket as string;
    expect((await postBeacons(h, beacon({ liveSessionId: privateSession, viewerId: 'viewer-o', playbackId: 'private-own', seq: 0, ticket: own })).expect(202)).body).toEqual({ accepted: 1, ignored: 0 });
    await ticket({ vodId: privateVod, viewerId: 'viewer-o', playbackId: 'private-own-v' }, owner).expect(201);
    await ticket({ playbackId: 'x'.repeat(8), viewerId: 'y'.repeat(8) }).expect(400);
  });

  it('limits new tickets per address with a 429 and Retry-After; renewing a valid ticket is free', async () => {
    clock.at(5000);
    const first = (await ticket({ liveSessionId: publicSession, viewerId: 'viewer-l', playbackId: 'limited-0' }).expect(201)).body.ticket as string;
    let limited: request.Response | null = null;
    for (let i = 1; i <= 5 && !limited; i++) {
      const res = await ticket({ liveSessionId: publicSession, viewerId: 'viewer-l', playbackId: `limited-${i}` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(201);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    clock.at(5300);
    const renewed = await ticket({ liveSessionId: publicSession, viewerId: 'viewer-l', playbackId: 'limited-0', previous: first }).expect(201);
    expect(Date.parse(renewed.body.expiresAt)).toBe(T0 + 5_900_000);
    // A ticket of another playback is no renewal.
    await ticket({ liveSessionId: publicSession, viewerId: 'viewer-l', playbackId: 'limited-9', previous: first }).expect(429);
  });
});
