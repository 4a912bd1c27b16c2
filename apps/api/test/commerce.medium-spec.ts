import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommerceClaim, CommerceMomentAdmin, CommerceViewerMoment } from '@onda/contracts';
import { createChannel, createTestDatabase, type TestDatabase } from '@onda/db';
import { DeviceTokens } from '../src/chat/domain/device-token.js';
import { ChatTestClient, startChatApi, userWithToken } from './chat.support.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'x'.repeat(40);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);

describe('commerce moments on two API nodes (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let nodeA: Awaited<ReturnType<typeof startChatApi>>;
  let nodeB: Awaited<ReturnType<typeof startChatApi>>;
  let owner: { id: string; token: string };
  let other: { id: string; token: string };
  const devices = new DeviceTokens(SECRET);
  const clients: ChatTestClient[] = [];
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const nodes = () => [nodeA.sut.url, nodeB.sut.url];

  async function moment(slug: string, body: object, via = nodeA.sut.url): Promise<CommerceMomentAdmin> {
    return (await request(via).post(`/v1/channels/${slug}/commerce/moments`).set(bearer(owner.token)).send(body).expect(201)).body as CommerceMomentAdmin;
  }
  const show = (slug: string, id: string, via = nodeB.sut.url) => request(via).post(`/v1/channels/${slug}/commerce/moments/${id}/show`).set(bearer(owner.token)).expect(200);
  const claim = (url: string, slug: string, id: string, device: string) => request(url).post(`/v1/channels/${slug}/commerce/moments/${id}/claim`).set('x-onda-device', device);

  beforeAll(async () => {
    db = await createTestDatabase();
    const queuePrefix = `onda-test-${randomBytes(4).toString('hex')}`;
    // Generous per-caller limits: the burst comes from one address; the limits are not what is tested here.
    const options = { redisUrl: REDIS_URL, queuePrefix, rateLimit: { limit: 100_000, windowMs: 60_000 }, webhooksAllowPrivate: true };
    nodeA = await startChatApi(db, options);
    nodeB = await startChatApi(db, options);
    owner = await userWithToken(db.prisma, 'admin', ['*'], 'Owner');
    other = await userWithToken(db.prisma, 'admin', ['*'], 'Other');
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await nodeA?.close();
    await nodeB?.close();
    await db?.drop();
  });

  it('a burst of concurrent claims on both nodes: never over the quantity, exactly once per viewer, each claim a webhook', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    await request(nodeA.sut.url).post('/v1/webhooks').set(bearer(owner.token)).send({ url: 'https://hooks.example.com/onda', eventTypes: ['commerce.claimed'] }).expect(201);
    const drop = await moment(ch.slug, { kind: 'drop', title: '10% 쿠폰', code: 'ONDA10', quantity: 7, windowSeconds: 600 });
    expect(drop).toMatchObject({ status: 'draft', drop: { quantity: 7, remaining: 7, perViewerLimit: 1 } });
    // Not shown yet: nothing to claim, and nothing is taken.
    const early = devices.issue().token;
    const refused = await claim(nodeA.sut.url, ch.slug, drop.id, early).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await show(ch.slug, drop.id);

    // 25 viewers, each sending 3 claims at once, alternating nodes: 75 concurrent requests for 7 units.
    const viewers = Array.from({ length: 25 }, () => devices.issue().token);
    const burst = viewers.flatMap((device, v) => [0, 1, 2].map((k) => claim(nodes()[(v + k) % 2]!, ch.slug, drop.id, device).then((res) => ({ device, res }))));
    const results = await Promise.all(burst);
    const won = results.filter((r) => r.res.status === 201);
    expect(won).toHaveLength(7);
    expect(new Set(won.map((r) => r.device)).size).toBe(7);
    for (const r of won) expect(r.res.body as CommerceClaim).toMatchObject({ momentId: drop.id, yourClaims: 1, code: 'ONDA10' });
    // Everyone else got a clear refusal: sold out (410) or already claimed (409), never a 5xx.
    for (const r of results.filter((x) => x.res.status !== 201)) {
      expect([409, 410]).toContain(r.res.status);
      expect(r.res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(results.filter((r) => r.res.status === 410).length).toBeGreaterThan(0);

    const row = await db.prisma.commerceMoment.findUniqueOrThrow({ where: { id: drop.id } });
    expect(row.claimed).toBe(7);
    const claims = await db.prisma.commerceClaim.findMany({ where: { momentId: drop.id } });
    expect(claims).toHaveLength(7);
    expect(claims.every((c) => c.units === 1)).toBe(true);
    // A latecomer: sold out, and it takes nothing.
    const late = await claim(nodeB.sut.url, ch.slug, drop.id, devices.issue().token).expect(410);
    expect((late.body as { detail: string }).detail).toMatch(/All 7 have been claimed/);
    expect((await db.prisma.commerceMoment.findUniqueOrThrow({ where: { id: drop.id } })).claimed).toBe(7);
    const deliveries = await db.prisma.webhookDelivery.findMany({ where: { eventType: 'commerce.claimed' } });
    expect(deliveries).toHaveLength(7);
    expect(deliveries[0]!.payload).toMatchObject({ type: 'commerce.claimed', data: { channelId: ch.id, momentId: drop.id, units: 1 } });
  }, 60_000);

  it('a per-viewer limit of 2 holds for one viewer hammering both nodes', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const drop = await moment(ch.slug, { kind: 'drop', dropKind: 'giveaway', title: '응모', quantity: 100, perViewerLimit: 2 });
    await show(ch.slug, drop.id);
    const device = devices.issue().token;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => claim(nodes()[i % 2]!, ch.slug, drop.id, device)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(10);
    expect((await db.prisma.commerceMoment.findUniqueOrThrow({ where: { id: drop.id } })).claimed).toBe(2);
    // Signed in, the account is the viewer (one row), whichever node.
    const fan = await userWithToken(db.prisma, 'viewer', [], 'Fan');
    const signed = await Promise.all(Array.from({ length: 6 }, (_, i) => request(nodes()[i % 2]!).post(`/v1/channels/${ch.slug}/commerce/moments/${drop.id}/claim`).set(bearer(fan.token))));
    expect(signed.filter((r) => r.status === 201)).toHaveLength(2);
    const live = (await request(nodeA.sut.url).get(`/v1/channels/${ch.slug}/commerce/live`).set(bearer(fan.token)).expect(200)).body as { items: CommerceViewerMoment[] };
    expect(live.items).toEqual([expect.objectContaining({ id: drop.id, yourClaims: 2, drop: expect.objectContaining({ remaining: 96 }) })]);
  }, 60_000);

  it('hostile and odd claims get clear errors and lose nothing', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const product = await moment(ch.slug, { kind: 'product', title: '무선 이어폰', price: { amount: 39000, currency: 'KRW', listAmount: 59000 }, url: 'https://shop.example.com/p/1' });
    expect(product.price).toEqual({ amount: 39000, currency: 'KRW', listAmount: 59000 });
    await show(ch.slug, product.id);
    const device = devices.issue().token;
    // A product is not claimed; no identity; a forged device token; a drop for accounts only.
    await claim(nodeA.sut.url, ch.slug, product.id, device).expect(422);
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${product.id}/claim`).expect(401);
    await claim(nodeA.sut.url, ch.slug, product.id, `${'a'.repeat(22)}.${'b'.repeat(32)}`).expect(401);
    const members = await moment(ch.slug, { kind: 'drop', title: 'members', quantity: 3, requireAccount: true });
    await show(ch.slug, members.id);
    await claim(nodeA.sut.url, ch.slug, members.id, device).expect(401);
    // Hidden: no more claims; the window over: gone.
    const drop = await moment(ch.slug, { kind: 'drop', title: 'short', quantity: 3, windowSeconds: 10 });
    await show(ch.slug, drop.id);
    await claim(nodeB.sut.url, ch.slug, drop.id, device).expect(201);
    await db.prisma.commerceMoment.update({ where: { id: drop.id }, data: { shownAt: new Date(Date.now() - 11_000) } });
    await claim(nodeB.sut.url, ch.slug, drop.id, devices.issue().token).expect(410);
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${drop.id}/hide`).set(bearer(owner.token)).expect(200);
    await claim(nodeB.sut.url, ch.slug, drop.id, devices.issue().token).expect(409);
    expect((await db.prisma.commerceMoment.findUniqueOrThrow({ where: { id: drop.id } })).claimed).toBe(1);
    // Bad bodies: a price finer than its currency, an unknown currency, a list price below the price, a bad quantity.
    const bad = (body: object) => request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments`).set(bearer(owner.token)).send(body).expect(400);
    await bad({ kind: 'product', title: 'x', price: { amount: 100.5, currency: 'KRW' } });
    await bad({ kind: 'product', title: 'x', price: { amount: 100, currency: 'XYZ' } });
    await bad({ kind: 'product', title: 'x', price: { amount: 100, currency: 'USD', listAmount: 50 } });
    await bad({ kind: 'drop', title: 'x', quantity: 0 });
    await bad({ kind: 'drop', title: 'x', quantity: 5, perViewerLimit: 2.5 });
    await moment(ch.slug, { kind: 'product', title: 'ok', price: { amount: 12.5, currency: 'USD' } });
  }, 60_000);

  it('shows reach viewers on both nodes through the chat; impressions, clicks and claims are counted', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const sponsor = await moment(ch.slug, { kind: 'sponsor', title: '온다 커피', message: '오늘 방송은 온다 커피가 함께합니다', url: 'https://coffee.example.com', displaySeconds: 30 });
    const onA = await ChatTestClient.connect(nodeA.sut.url);
    const onB = await ChatTestClient.connect(nodeB.sut.url);
    clients.push(onA, onB);
    const joinedA = await onA.ok<{ you: { deviceToken?: string } }>('join', { channel: ch.slug });
    await onB.ok('join', { channel: ch.slug });
    await show(ch.slug, sponsor.id, nodeB.sut.url);
    const seenA = await onA.untilItem('commerce', (i) => i.moment.id === sponsor.id && i.moment.status === 'shown');
    await onB.untilItem('commerce', (i) => i.moment.id === sponsor.id && i.moment.status === 'shown');
    expect(seenA.moment).toMatchObject({ kind: 'sponsor', title: '온다 커피', displaySeconds: 30, endsAt: expect.any(String) });
    // The chat's device token is the anonymous viewer's identity here too.
    const device = joinedA.you.deviceToken!;
    expect(device).toBeTruthy();
    const event = (type: string, url = nodeA.sut.url) => request(url).post(`/v1/channels/${ch.slug}/commerce/moments/${sponsor.id}/events`).set('x-onda-device', device).send({ type });
    await event('impression').expect(204);
    await event('impression', nodeB.sut.url).expect(204);
    await event('click').expect(204);
    await event('click', nodeB.sut.url).expect(204);
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${sponsor.id}/events`).set('x-onda-device', devices.issue().token).send({ type: 'impression' }).expect(204);
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${sponsor.id}/events`).set('x-onda-device', device).send({ type: 'view' }).expect(400);
    const list = (await request(nodeB.sut.url).get(`/v1/channels/${ch.slug}/commerce/moments`).set(bearer(owner.token)).expect(200)).body as { items: CommerceMomentAdmin[] };
    expect(list.items[0]).toMatchObject({ id: sponsor.id, stats: { impressions: 2, clicks: 1, claims: 0, claimers: 0, conversion: 0.5 } });
    // Drops: claims left reach the room after a claim.
    const drop = await moment(ch.slug, { kind: 'drop', title: '쿠폰', quantity: 3 });
    await show(ch.slug, drop.id, nodeA.sut.url);
    await request(nodeB.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${drop.id}/claim`).set('x-onda-device', device).expect(201);
    await onA.untilItem('commerce', (i) => i.moment.id === drop.id && i.moment.drop?.remaining === 2);
    const after = (await request(nodeA.sut.url).get(`/v1/channels/${ch.slug}/commerce/moments`).set(bearer(owner.token)).expect(200)).body as { items: CommerceMomentAdmin[] };
    expect(after.items.find((m) => m.id === drop.id)).toMatchObject({ stats: { impressions: 1, claims: 1, claimers: 1, conversion: 1 } });
    // Hidden: it leaves every viewer's screen.
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${sponsor.id}/hide`).set(bearer(owner.token)).expect(200);
    await onB.untilItem('commerce', (i) => i.moment.id === sponsor.id && i.moment.status === 'hidden');
  }, 60_000);

  it('pictures: PNG, JPEG or WebP up to 2 MiB, checked by their bytes, served from the media store', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const product = await moment(ch.slug, { kind: 'product', title: '사진', price: { amount: 1000, currency: 'KRW' } });
    const put = (type: string, body: Buffer) => request(nodeA.sut.url).put(`/v1/channels/${ch.slug}/commerce/moments/${product.id}/image`).set(bearer(owner.token)).set('content-type', type).send(body);
    await put('image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')).expect(415);
    await put('image/svg+xml', Buffer.from('<svg/>')).expect(415);
    await put('image/jpeg', PNG).expect(415);
    await put('image/png', Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)])).expect(413);
    const stored = (await put('image/png', PNG).expect(200)).body as CommerceMomentAdmin;
    expect(stored.imageUrl).toMatch(new RegExp(`^http://onda.test/media/commerce/${ch.id}/${product.id}-[0-9a-f]+\\.png$`));
    const path = new URL(stored.imageUrl!).pathname;
    const got = await request(nodeA.sut.url).get(path).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body as Buffer, PNG)).toBe(0);
  }, 60_000);

  it("tenants: another account cannot create, show, read or claim-count the first one's moments", async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const drop = await moment(ch.slug, { kind: 'drop', title: 'mine', quantity: 2 });
    const as = bearer(other.token);
    const base = `/v1/channels/${ch.slug}/commerce/moments`;
    await request(nodeA.sut.url).get(base).set(as).expect(404);
    await request(nodeA.sut.url).post(base).set(as).send({ kind: 'drop', title: 'x', quantity: 1 }).expect(404);
    await request(nodeB.sut.url).post(`${base}/${drop.id}/show`).set(as).expect(404);
    await request(nodeB.sut.url).post(`${base}/${drop.id}/hide`).set(as).expect(404);
    await request(nodeB.sut.url).delete(`${base}/${drop.id}`).set(as).expect(404);
    await request(nodeB.sut.url).put(`${base}/${drop.id}/image`).set(as).set('content-type', 'image/png').send(PNG).expect(404);
    // The other account's own channel does not reach this moment either.
    const theirs = await createChannel(db.prisma, other.id);
    await request(nodeA.sut.url).post(`/v1/channels/${theirs.slug}/commerce/moments/${drop.id}/show`).set(as).expect(404);
    expect((await db.prisma.commerceMoment.findUniqueOrThrow({ where: { id: drop.id } })).status).toBe('draft');
    // A private channel's moments are not on anybody else's screen.
    const hidden = await createChannel(db.prisma, owner.id, { visibility: 'private' });
    await request(nodeA.sut.url).get(`/v1/channels/${hidden.slug}/commerce/live`).expect(404);
    await request(nodeA.sut.url).get(`/v1/channels/${hidden.slug}/commerce/live`).set(as).expect(404);
    await request(nodeA.sut.url).get(`/v1/channels/${hidden.slug}/commerce/live`).set(bearer(owner.token)).expect(200);
  }, 60_000);
  it('a broadcast keeps its moments: on the reaction timeline and in its VOD, at the same seconds', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const t0 = new Date(Date.now() - 120_000);
    const session = await db.prisma.liveSession.create({ data: { channelId: ch.id, state: 'live', ingestId: 'i', storagePrefix: 'live/x', createdAt: t0, startedAt: t0 } });
    const product = await moment(ch.slug, { kind: 'product', title: '상품', price: { amount: 1000, currency: 'KRW' } });
    const sponsor = await moment(ch.slug, { kind: 'sponsor', title: '스폰서', displaySeconds: 30 });
    await moment(ch.slug, { kind: 'drop', title: 'never shown', quantity: 1 });
    await show(ch.slug, product.id);
    await show(ch.slug, sponsor.id);
    await request(nodeA.sut.url).post(`/v1/channels/${ch.slug}/commerce/moments/${product.id}/hide`).set(bearer(owner.token)).expect(200);
    const timeline = (await request(nodeA.sut.url).get(`/v1/live-sessions/${session.id}/commerce`).set(bearer(owner.token)).expect(200)).body as { items: Array<{ moment: { id: string; status: string }; atSeconds: number; untilSeconds: number | null }> };
    expect(timeline.items.map((m) => m.moment.id)).toEqual([product.id, sponsor.id]);
    const [p, s] = timeline.items as [(typeof timeline.items)[0], (typeof timeline.items)[0]];
    expect(p.atSeconds).toBeGreaterThanOrEqual(119);
    expect(p.atSeconds).toBeLessThan(180);
    expect(p.untilSeconds).toBeGreaterThanOrEqual(p.atSeconds);
    // The sponsor card ran out after its 30 s display time.
    expect(s.untilSeconds! - s.atSeconds).toBeCloseTo(30, 0);
    expect(p.moment.status).toBe('shown');
    // Someone else's broadcast: not found.
    await request(nodeA.sut.url).get(`/v1/live-sessions/${session.id}/commerce`).set(bearer(other.token)).expect(404);
    // The recording replays them at the same seconds, for anyone who may watch it.
    const vod = await db.prisma.vod.create({ data: { channelId: ch.id, liveSessionId: session.id, origin: 'recording', title: 'rec', status: 'ready' } });
    const replay = (await request(nodeB.sut.url).get(`/v1/vods/${vod.id}/commerce`).expect(200)).body as typeof timeline;
    expect(replay.items).toEqual(timeline.items);
  }, 60_000);
});
