import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createTestDatabase, type TestDatabase } from '@onda/db';
import { ChatTestClient, startChatApi, userWithToken } from './chat.support.js';
import { INTERNAL } from './harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Resolves with the reason once the socket is closed; rejects if it stays open for `ms`. */
function disconnected(client: ChatTestClient, ms = 10_000): Promise<string> {
  if (!client.socket.connected) return Promise.resolve('already closed');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/**
 * A disabled or deleted account loses what it still had open (issue 14): its chat sockets on every API node (socket.io
 * Redis adapter) and the broadcasts of its channels. Real PostgreSQL and Redis, two API nodes.
 */
describe('account cut-off (disable, delete)', () => {
  let db: TestDatabase;
  let nodeA: Awaited<ReturnType<typeof startChatApi>>;
  let nodeB: Awaited<ReturnType<typeof startChatApi>>;
  let operator: { id: string; token: string };
  const clients: ChatTestClient[] = [];
  const connect = async (node: typeof nodeA, auth: Parameters<typeof ChatTestClient.connect>[1], slug: string) => {
    const client = await ChatTestClient.connect(node.sut.url, auth);
    clients.push(client);
    await client.ok('join', { channel: slug, nickname: auth?.token ? undefined : 'anon' });
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const queuePrefix = `onda-test-${randomBytes(4).toString('hex')}`;
    nodeA = await startChatApi(db, { redisUrl: REDIS_URL, queuePrefix });
    nodeB = await startChatApi(db, { redisUrl: REDIS_URL, queuePrefix });
    operator = await userWithToken(db.prisma, 'admin', ['*'], 'Operator', true);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await nodeA?.close();
    await nodeB?.close();
    await db?.drop();
  });

  it("disconnects a disabled account's chat sockets at once, on the node that disabled it and on the other one", async () => {
    const streamer = await userWithToken(db.prisma, 'admin', ['*'], 'Streamer');
    const chatter = await userWithToken(db.prisma, 'viewer', ['*'], 'Chatter');
    const channel = await createChannel(db.prisma, streamer.id);
    const onA = await connect(nodeA, { token: chatter.token }, channel.slug);
    const onB = await connect(nodeB, { token: chatter.token }, channel.slug);
    // Others in the same room stay: the owner, and an anonymous viewer.
    const owner = await connect(nodeB, { token: streamer.token }, channel.slug);
    const anonymous = await connect(nodeA, {}, channel.slug);

    const closedA = disconnected(onA);
    const closedB = disconnected(onB);
    await request(nodeA.sut.url).post(`/v1/users/${chatter.id}/disable`).set('Authorization', `Bearer ${operator.token}`).expect(200);
    // 'io server disconnect': the server closed it (not a transport drop the client would reconnect after).
    expect(await closedA).toBe('io server disconnect');
    expect(await closedB).toBe('io server disconnect');
    // Everyone else is still there and still chatting.
    const marker = await owner.ok<{ id: string }>('send', { text: 'still here' });
    await anonymous.untilItem('message', (i) => i.message.id === marker.id);
    expect(owner.socket.connected && anonymous.socket.connected).toBe(true);
    // It cannot come back while disabled.
    await expect(ChatTestClient.connect(nodeB.sut.url, { token: chatter.token })).rejects.toThrow(/unknown, expired or revoked/);
  });

  it("ends a disabled account's broadcast (the ingest drops the publisher on its next poll) and refuses its key", async () => {
    const streamer = await userWithToken(db.prisma, 'admin', ['*'], 'Live streamer');
    const channel = await createChannel(db.prisma, streamer.id);
    const live = await db.prisma.liveSession.create({ data: { channelId: channel.id, state: 'live', ingestId: 'cut', storagePrefix: `live/${randomUUID()}`, startedAt: new Date(), publisherConnected: true } });
    const internal = { Authorization: `Bearer ${INTERNAL}` };
    expect((await request(nodeA.sut.url).get(`/internal/ingest/sessions/${live.id}`).set(internal).expect(200)).body.disconnect).toBe(false);
    const socket = await connect(nodeB, { token: streamer.token }, channel.slug);
    const closed = disconnected(socket);

    await request(nodeA.sut.url).post(`/v1/users/${streamer.id}/disable`).set('Authorization', `Bearer ${operator.token}`).expect(200);
    expect(await closed).toBe('io server disconnect');
    // What the ingest's control poll reads: the publisher goes (apps/ingest publisher-tracker closes it on this answer).
    expect((await request(nodeB.sut.url).get(`/internal/ingest/sessions/${live.id}`).set(internal).expect(200)).body).toMatchObject({ state: 'ended', disconnect: true });
    expect((await db.prisma.liveSession.findUniqueOrThrow({ where: { id: live.id } })).endReason).toBe('account disabled');
  });

  it("deleting an account with a transfer disconnects its sockets, ends its broadcast and revokes its channels' stream keys", async () => {
    const leaving = await userWithToken(db.prisma, 'admin', ['*'], 'Leaving');
    const heir = await userWithToken(db.prisma, 'admin', ['*'], 'Heir');
    const auth = { Authorization: `Bearer ${leaving.token}` };
    const slug = `leaving-${randomBytes(3).toString('hex')}`;
    await request(nodeA.sut.url).post('/v1/channels').set(auth).send({ slug, title: 'Leaving' }).expect(201);
    const { streamKey } = (await request(nodeA.sut.url).get(`/v1/channels/${slug}/stream-key`).set(auth).expect(200)).body;
    const authorize = () => request(nodeA.sut.url).post('/internal/ingest/authorize').set({ Authorization: `Bearer ${INTERNAL}` }).send({ streamKey, clientIp: '127.0.0.1', ingestId: 't' });
    expect((await authorize()).status).toBe(200);
    const socket = await connect(nodeB, { token: leaving.token }, slug);
    const closed = disconnected(socket);

    await request(nodeA.sut.url).delete(`/v1/users/${leaving.id}?transferTo=${heir.id}`).set('Authorization', `Bearer ${operator.token}`).expect(204);
    expect(await closed).toBe('io server disconnect');
    // The broadcast the leaving account had started ended with it, and its key publishes nothing on the heir's channel.
    expect(await db.prisma.liveSession.count({ where: { channel: { slug }, state: { in: ['starting', 'live', 'reconnecting'] } } })).toBe(0);
    expect((await authorize()).status).toBe(403);
    const heirAuth = { Authorization: `Bearer ${heir.token}` };
    expect((await request(nodeA.sut.url).get(`/v1/channels/${slug}/stream-key`).set(heirAuth).expect(200)).body.streamKey).toBeNull();
    const fresh = (await request(nodeA.sut.url).post(`/v1/channels/${slug}/stream-key/rotate`).set(heirAuth).expect(200)).body.streamKey;
    expect(fresh).not.toBe(streamKey);
  });
});
