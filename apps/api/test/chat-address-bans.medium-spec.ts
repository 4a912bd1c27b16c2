import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ChatBan, ChatJoined, ChatMessage } from '@onda/contracts';
import { createChannel } from '@onda/db';
import { ChatTestClient, startChatApi, twoChatNodes, type ChatNode } from './chat.support.js';

/**
 * Address and subnet bans as moderator options (security issue #12, "identities that stick"): a moderator bans where a
 * chatter joined from, every new identity from there is refused, on every API node (Redis), and nobody sees the address.
 */
describe('chat address and subnet bans (two API nodes, real PostgreSQL and Redis)', () => {
  const suite = twoChatNodes({ perConnection: { limit: 50, windowMs: 60_000 } });
  /** A brand-new anonymous chatter (no device token) from `from`, joined with a nickname. */
  const chatter = (node: ChatNode, slug: string, from: string, nickname: string) => suite.join(node, slug, nickname, { localAddress: from });

  it('bans the address a chatter joined from: a new identity from there is refused on the other node, a neighbour is not', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { c: troll, joined } = await chatter(suite.nodeA, ch.slug, '127.0.0.2', 'troll');
    const sent = await troll.ok<{ message: ChatMessage }>('send', { text: 'spam' });
    expect(sent).toBeTruthy();
    const ban = (await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: joined.you.key, scope: 'address', reason: 'ban evasion' }).expect(201)).body as ChatBan;
    expect(ban).toMatchObject({ scope: 'address', nickname: 'troll', authorKey: expect.stringMatching(/^addr:[A-Za-z0-9_-]{22}$/) });

    // Reconnecting with a new identity, on the other node: still refused.
    const { c: again } = await chatter(suite.nodeB, ch.slug, '127.0.0.2', 'troll2');
    expect(await again.emit('send', { text: 'I am back' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Same /24, another address: an address ban does not reach it.
    const { c: neighbour } = await chatter(suite.nodeB, ch.slug, '127.0.0.3', 'neighbour');
    expect((await neighbour.emit('send', { text: 'hello' })).ok).toBe(true);

    // Nobody sees the address: not in the ban list, nor in the audit log.
    const bans = await request(suite.nodeB.sut.url).get(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).expect(200);
    const audit = await request(suite.nodeB.sut.url).get(`/v1/channels/${ch.slug}/chat/audit`).set(suite.auth()).expect(200);
    for (const body of [JSON.stringify(bans.body), JSON.stringify(audit.body)]) expect(body).not.toContain('127.0.0.2');

    // Lifted: the address may chat again.
    await request(suite.nodeA.sut.url).delete(`/v1/channels/${ch.slug}/chat/bans/${ban.id}`).set(suite.auth()).expect(204);
    expect((await again.emit('send', { text: 'behaving now' })).ok).toBe(true);
  });

  it('times out a /24 subnet: every address in it waits, the next subnet does not; the owner is never caught', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { joined } = await chatter(suite.nodeA, ch.slug, '127.0.4.10', 'flooder');
    await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: joined.you.key, scope: 'subnet', durationSeconds: 600 }).expect(201);
    const { c: sameNet } = await chatter(suite.nodeB, ch.slug, '127.0.4.77', 'other');
    expect(await sameNet.emit('send', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'forbidden', detail: 'You are timed out' } });
    const { c: otherNet } = await chatter(suite.nodeB, ch.slug, '127.0.5.10', 'fine');
    expect((await otherNet.emit('send', { text: 'hi' })).ok).toBe(true);
    const staff = await ChatTestClient.connect(suite.nodeA.sut.url, { token: suite.owner.token, localAddress: '127.0.4.99' });
    suite.clients.push(staff);
    await staff.ok('join', { channel: ch.slug });
    expect((await staff.emit('send', { text: 'owner speaking' })).ok).toBe(true);
  });

  it('refuses an address ban for an author it never saw, and bad scopes, with 4xx problems', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const res = await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: 'a:neverseenneverseen123', scope: 'subnet' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: 'a:neverseenneverseen123', scope: 'planet' }).expect(400);
  });

  it('behind a trusted proxy (TRUST_PROXY) bans the forwarded address and counts connections per forwarded client', async () => {
    // The proxy is loopback (as HAProxy next to the API); viewers reach it from their own addresses.
    const proxied = await startChatApi(suite.db, { trustProxy: 'loopback', chatMaxConnectionsPerIp: 2 });
    const via = async (forwardedFor: string, slug: string, nickname: string) => {
      const c = await ChatTestClient.connect(proxied.sut.url, { forwardedFor });
      suite.clients.push(c);
      return { c, joined: await c.ok<ChatJoined>('join', { channel: slug, nickname }) };
    };
    try {
      const ch = await createChannel(suite.db.prisma, suite.owner.id);
      const { joined } = await via('198.51.100.7', ch.slug, 'behind-proxy');
      await request(proxied.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: joined.you.key, scope: 'address' }).expect(201);
      // A new identity forwarded from the banned address is refused; another viewer behind the same proxy is not.
      const { c: again } = await via('198.51.100.7', ch.slug, 'new-name');
      expect(await again.emit('send', { text: 'back again' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const { c: other } = await via('203.0.113.20', ch.slug, 'someone-else');
      expect((await other.emit('send', { text: 'hello' })).ok).toBe(true);
      // The per-address cap (2 here) counts forwarded clients, not the proxy: a third from 198.51.100.7 is refused,
      // while 203.0.113.20 still gets its second.
      await expect(ChatTestClient.connect(proxied.sut.url, { forwardedFor: '198.51.100.7' })).rejects.toThrow();
      suite.clients.push(await ChatTestClient.connect(proxied.sut.url, { forwardedFor: '203.0.113.20' }));
    } finally {
      await proxied.close();
    }
  });

  it('without TRUST_PROXY ignores X-Forwarded-For: a chatter cannot step out of an address ban by writing the header', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { joined } = await chatter(suite.nodeA, ch.slug, '127.0.0.12', 'spoofer');
    await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: joined.you.key, scope: 'address' }).expect(201);
    const c = await ChatTestClient.connect(suite.nodeA.sut.url, { localAddress: '127.0.0.12', forwardedFor: '203.0.113.99' });
    suite.clients.push(c);
    await c.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'spoofer2' });
    expect(await c.emit('send', { text: 'new me' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
