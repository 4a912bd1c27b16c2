import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAuditEntry, ChatBan, ChatJoined, ChatMessage, ChatSent, ChatSettings, ChatStats, HeldMessage, Poll } from '@onda/contracts';
import { createChannel, createTestDatabase, type TestDatabase } from '@onda/db';
import { ChatTestClient, closeChatSuite, startChatApi, userWithToken } from './chat.support.js';

describe('chat moderation over REST (real PostgreSQL, socket.io clients)', () => {
  let db: TestDatabase;
  let api: Awaited<ReturnType<typeof startChatApi>>;
  let url: string;
  let owner: { id: string; token: string };
  const clients: ChatTestClient[] = [];

  const auth = (token = owner.token) => ({ Authorization: `Bearer ${token}` });
  const base = (slug: string) => `/v1/channels/${slug}/chat`;
  const channel = (overrides: Parameters<typeof createChannel>[2] = {}) => createChannel(db.prisma, owner.id, overrides);
  const joinAs = async (slug: string, nickname: string, handshake: Parameters<typeof ChatTestClient.connect>[1] = {}) => {
    const c = await ChatTestClient.connect(url, handshake);
    clients.push(c);
    const joined = await c.ok<ChatJoined>('join', { channel: slug, nickname });
    return { c, joined };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startChatApi(db, { chat: { perConnection: { limit: 50, windowMs: 60_000 } } });
    url = api.sut.url;
    owner = await userWithToken(db.prisma, 'admin', ['*'], 'Owner');
  });

  afterAll(async () => {
    await closeChatSuite(clients, [api], db);
  });

  it('lets the owner, channel moderators and the operator in (scope chat:moderate) on every route, and nobody else (finding 1)', async () => {
    const ch = await channel({ visibility: 'private' });
    const mod = await userWithToken(db.prisma, 'moderator', ['chat:moderate']);
    await db.prisma.channelModerator.create({ data: { channelId: ch.id, userId: mod.id } });
    const operator = await userWithToken(db.prisma, 'admin', ['chat:moderate'], 'Operator', true);
    // Another tenant: an admin account (as `create-admin` makes) with every scope, but not the operator.
    const otherTenant = await userWithToken(db.prisma, 'admin', ['*']);
    const stranger = await userWithToken(db.prisma, 'moderator', ['chat:moderate']);
    const unscoped = await userWithToken(db.prisma, 'moderator', ['channels:read']);
    await db.prisma.channelModerator.create({ data: { channelId: ch.id, userId: unscoped.id } });
    const id = '00000000-0000-4000-8000-000000000000';
    // [method, path under /chat, body]: every chat route (the OpenAPI check below keeps this table complete).
    const table: Array<[string, string, object | undefined]> = [
      ['get', 'settings', undefined],
      ['patch', 'settings', { slowModeSeconds: 3 }],
      ['get', 'messages', undefined],
      ['delete', `messages/${id}`, undefined],
      ['get', 'held', undefined],
      ['post', `held/${id}/approve`, undefined],
      ['post', `held/${id}/reject`, undefined],
      ['get', 'bans', undefined],
      ['post', 'bans', { authorKey: 'a:someone' }],
      ['delete', `bans/${id}`, undefined],
      ['put', 'pin', { messageId: null }],
      ['post', 'announcements', { text: 'hi' }],
      ['get', 'polls', undefined],
      ['post', 'polls', { question: 'q', options: ['a', 'b'] }],
      ['post', `polls/${id}/close`, undefined],
      ['get', 'audit', undefined],
      ['get', 'stats', undefined],
    ];
    const call = (method: string, path: string, body: object | undefined, headers: Record<string, string>) => {
      const req = (request(url) as unknown as Record<string, (p: string) => request.Test>)[method]!(`${base(ch.slug)}/${path}`).set(headers);
      return body ? req.send(body) : req;
    };
    for (const [method, path, body] of table) {
      const name = `${method} ${path}`;
      const anonymous = await call(method, path, body, {});
      expect(anonymous.status, `${name} anonymous`).toBe(401);
      expect(anonymous.headers['content-type'], name).toMatch(/application\/problem\+json/);
      expect((await call(method, path, body, auth('onda_not-a-token'))).status, `${name} bad token`).toBe(401);
      expect((await call(method, path, body, auth(unscoped.token))).status, `${name} without chat:moderate`).toBe(403);
      expect((await call(method, path, body, auth(stranger.token))).status, `${name} not a moderator here`).toBe(404);
      expect((await call(method, path, body, auth(otherTenant.token))).status, `${name} another tenant's admin`).toBe(404);
    }
    expect(await db.prisma.chatBan.count({ where: { channelId: ch.id } })).toBe(0);
    expect(await db.prisma.chatAuditEntry.count({ where: { channelId: ch.id } })).toBe(0);
    for (const token of [owner.token, mod.token, operator.token]) await request(url).get(`${base(ch.slug)}/settings`).set(auth(token)).expect(200);
    // The operator's look into someone else's room is in that room's audit log, once (throttled), not per request.
    await request(url).get(`${base(ch.slug)}/bans`).set(auth(operator.token)).expect(200);
    const audit = (await request(url).get(`${base(ch.slug)}/audit`).set(auth()).expect(200)).body as { items: ChatAuditEntry[] };
    expect(audit.items.filter((e) => e.action === 'operator_access')).toEqual([expect.objectContaining({ actor: `u:${operator.id}`, action: 'operator_access' })]);
    await request(url).get(`${base('no-such-channel')}/bans`).set(auth()).expect(404);

    const spec = (await request(url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const documented = Object.entries(spec.paths)
      .filter(([p]) => p.startsWith('/v1/channels/{idOrSlug}/chat/'))
      .flatMap(([p, ops]) =>
        Object.entries(ops).map(([m, op]) => {
          expect(op.security?.length, `${m} ${p} documents its auth`).toBeGreaterThan(0);
          return `${m} ${p.replace('/v1/channels/{idOrSlug}/chat/', '')}`;
        }),
      );
    const tabled = table.map(([m, p]) => `${m} ${p.replace(`messages/${id}`, 'messages/{messageId}').replace(`held/${id}`, 'held/{messageId}').replace(`bans/${id}`, 'bans/{banId}').replace(`polls/${id}`, 'polls/{pollId}')}`);
    expect(documented.sort()).toEqual(tabled.sort());
  });

  it('changes settings (mode items reach the room) and refuses unusable ones', async () => {
    const ch = await channel();
    const { c } = await joinAs(ch.slug, 'watcher');
    const defaults = (await request(url).get(`${base(ch.slug)}/settings`).set(auth()).expect(200)).body as ChatSettings;
    expect(defaults).toEqual({ slowModeSeconds: 0, registeredOnly: false, blockedWords: [], blockedPatterns: [], blockedWordsAction: 'mask', profanity: 'mask', linkPolicy: 'allow', classifier: null });
    const changed = await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ slowModeSeconds: 5, blockedWords: ['바나나'] }).expect(200);
    expect(changed.body).toMatchObject({ slowModeSeconds: 5, blockedWords: ['바나나'], registeredOnly: false });
    await c.untilItem('mode', (i) => i.mode.slowModeSeconds === 5);
    const bad = await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ blockedPatterns: ['(unclosed'] }).expect(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'blockedPatterns.0' }] });
    // Finding 7: patterns that can backtrack exponentially are refused when saved, with the reason.
    const hostile = await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ blockedPatterns: ['spam', '(a|aa)+b', '(?=x)y'] }).expect(400);
    expect(hostile.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'blockedPatterns.1', message: expect.stringMatching(/repeated alternation/) }, { path: 'blockedPatterns.2', message: expect.stringMatching(/lookahead/) }] });
    // Finding 2: a classifier on the loopback would receive every message; refused when saved.
    const local = await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ classifier: { url: 'http://127.0.0.1:9/classify', timeoutMs: 500, failMode: 'open' } }).expect(400);
    expect(local.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'classifier.url' }] });
    await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ classifier: { url: 'http://[::ffff:0:a00:1]/classify', timeoutMs: 500, failMode: 'open' } }).expect(400);
    await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ slowModeSeconds: -1 }).expect(400);
    await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ nope: true }).expect(400);
    expect((await request(url).get(`${base(ch.slug)}/settings`).set(auth()).expect(200)).body).toMatchObject({ slowModeSeconds: 5, blockedPatterns: [] });
  });

  it('enforces slow mode (moderators exempt) and registered-only mode', async () => {
    const ch = await channel();
    const { c: viewer } = await joinAs(ch.slug, 'slowpoke');
    const modClient = await ChatTestClient.connect(url, { token: owner.token });
    clients.push(modClient);
    await modClient.ok('join', { channel: ch.slug });
    await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ slowModeSeconds: 30 }).expect(200);
    await viewer.ok('send', { text: 'first' });
    const second = await viewer.emit('send', { text: 'second' });
    expect(second).toMatchObject({ ok: false, error: { code: 'rate_limited', detail: expect.stringMatching(/[Ss]low mode/) } });
    if (second.ok) throw new Error('unreachable');
    expect(second.error.retryAfterMs).toBeGreaterThan(25_000);
    expect(second.error.retryAfterMs).toBeLessThanOrEqual(30_000);
    await modClient.ok('send', { text: 'mod 1' });
    await modClient.ok('send', { text: 'mod 2' });

    await request(url).patch(`${base(ch.slug)}/settings`).set(auth()).send({ slowModeSeconds: 0, registeredOnly: true }).expect(200);
    const { c: anon } = await joinAs(ch.slug, 'anonymous');
    expect((await anon.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'anonymous' })).mode).toEqual({ slowModeSeconds: 0, registeredOnly: true });
    expect(await anon.emit('send', { text: 'let me in' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const member = await userWithToken(db.prisma, 'viewer', []);
    const signedIn = await ChatTestClient.connect(url, { token: member.token });
    clients.push(signedIn);
    await signedIn.ok('join', { channel: ch.slug });
    expect(await signedIn.ok<ChatSent>('send', { text: 'I have an account' })).toMatchObject({ outcome: 'delivered' });
  });

  it('an anonymous ban holds across reconnects: the identity is the server-issued device token, not the deviceId (finding 6)', async () => {
    const ch = await channel();
    const { joined } = await joinAs(ch.slug, 'evader', { deviceId: 'evader-device-0001' });
    expect(joined.you.deviceToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32}$/);
    await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: joined.you.key }).expect(201);
    // Reconnect with a new client-chosen deviceId but the issued token: the same author, still banned.
    const { c: back, joined: again } = await joinAs(ch.slug, 'evader 2', { deviceId: 'brand-new-device-9999', deviceToken: joined.you.deviceToken! });
    expect(again.you).toMatchObject({ key: joined.you.key, banned: true });
    expect(again.you.deviceToken).toBeUndefined();
    expect(await back.emit('send', { text: 'still here' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A token the server did not sign is ignored: a fresh identity comes with a fresh token.
    const { joined: forged } = await joinAs(ch.slug, 'forger', { deviceToken: `${'x'.repeat(22)}.${'y'.repeat(32)}` });
    expect(forged.you.key).not.toBe(joined.you.key);
    expect(forged.you.deviceToken).toBeDefined();
  });

  it('limits new device tokens per address; past the limit new devices share the address identity, bans included (finding 6)', async () => {
    const small = await startChatApi(db, { chat: { deviceTokensPerIp: { limit: 2, windowMs: 60_000 } } });
    try {
      const ch = await channel();
      const join = async (nickname: string) => {
        const c = await ChatTestClient.connect(small.sut.url);
        clients.push(c);
        return (await c.ok<ChatJoined>('join', { channel: ch.slug, nickname })).you;
      };
      const [a, b, c, d] = [await join('dev a'), await join('dev b'), await join('dev c'), await join('dev d')];
      expect(a.deviceToken && b.deviceToken && a.key !== b.key).toBeTruthy();
      expect(c.deviceToken).toBeUndefined();
      expect(d.key).toBe(c.key);
      await request(small.sut.url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: c.key }).expect(201);
      expect(await join('dev e')).toMatchObject({ key: c.key, banned: true });
    } finally {
      await small.close();
    }
  });

  it('bans: purges the author, refuses their sends, survives rejoining, and lifts', async () => {
    const ch = await channel();
    const deviceId = 'troll-device-0001';
    const { c: troll, joined } = await joinAs(ch.slug, 'troll', { deviceId });
    const { c: watcher } = await joinAs(ch.slug, 'watcher');
    await troll.ok('send', { text: 'spam 1' });
    await troll.ok('send', { text: 'spam 2' });
    await watcher.until(() => watcher.messages().length === 2);
    const ban = (await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: joined.you.key, reason: 'spam' }).expect(201)).body as ChatBan;
    expect(ban).toMatchObject({ channelId: ch.id, authorKey: joined.you.key, nickname: 'troll', reason: 'spam', expiresAt: null, createdBy: `u:${owner.id}` });
    await watcher.untilItem('purge', (i) => i.authorKey === joined.you.key);
    expect(await troll.emit('send', { text: 'spam 3' })).toMatchObject({ ok: false, error: { code: 'forbidden', detail: expect.stringMatching(/banned/) } });
    const again = await troll.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'new name' });
    expect(again.you).toMatchObject({ key: joined.you.key, banned: true, mutedUntil: null });
    expect(again.history).toEqual([]);
    const { joined: fresh } = await joinAs(ch.slug, 'fresh');
    expect(fresh.history).toEqual([]);
    const list = (await request(url).get(`${base(ch.slug)}/bans`).set(auth()).expect(200)).body as { items: ChatBan[] };
    expect(list.items.map((b) => b.id)).toEqual([ban.id]);
    await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: `u:${owner.id}` }).expect(422);
    await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: 'not a key' }).expect(400);
    await request(url).delete(`${base(ch.slug)}/bans/${ban.id}`).set(auth()).expect(204);
    await request(url).delete(`${base(ch.slug)}/bans/${ban.id}`).set(auth()).expect(404);
    expect(await troll.ok<ChatSent>('send', { text: 'sorry' })).toMatchObject({ outcome: 'delivered' });
  });

  it('times out for a while: refused with retryAfterMs, then allowed again', async () => {
    const ch = await channel();
    const { c, joined } = await joinAs(ch.slug, 'hothead');
    await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: joined.you.key, durationSeconds: 1 }).expect(201);
    const refused = await c.emit('send', { text: 'still here' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', detail: expect.stringMatching(/timed out/) } });
    if (refused.ok) throw new Error('unreachable');
    expect(refused.error.retryAfterMs).toBeGreaterThan(0);
    expect(refused.error.retryAfterMs).toBeLessThanOrEqual(1000);
    const rejoined = await c.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'hothead' });
    expect(Date.parse(rejoined.you.mutedUntil!)).toBeGreaterThan(Date.now() - 1000);
    await new Promise((r) => setTimeout(r, refused.error.retryAfterMs! + 50));
    expect(await c.ok<ChatSent>('send', { text: 'calm now' })).toMatchObject({ outcome: 'delivered' });
  });

  it('runs a poll: one vote per viewer, live results, close', async () => {
    const ch = await channel();
    const { c: a } = await joinAs(ch.slug, 'voter a');
    const { c: b } = await joinAs(ch.slug, 'voter b');
    const poll = (await request(url).post(`${base(ch.slug)}/polls`).set(auth()).send({ question: '어느 색?', options: ['빨강', '파랑', '초록'] }).expect(201)).body as Poll;
    expect(poll).toMatchObject({ question: '어느 색?', status: 'open', totalVotes: 0, options: [{ label: '빨강', votes: 0 }, { label: '파랑', votes: 0 }, { label: '초록', votes: 0 }] });
    await a.untilItem('poll', (i) => i.poll.id === poll.id);
    await request(url).post(`${base(ch.slug)}/polls`).set(auth()).send({ question: 'second?', options: ['x', 'y'] }).expect(409);
    expect(await a.ok<Poll>('vote', { pollId: poll.id, option: 1 })).toMatchObject({ totalVotes: 1, options: [{ votes: 0 }, { votes: 1 }, { votes: 0 }] });
    expect(await a.emit('vote', { pollId: poll.id, option: 2 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await b.emit('vote', { pollId: poll.id, option: 5 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    await b.ok('vote', { pollId: poll.id, option: 1 });
    await a.untilItem('poll', (i) => i.poll.id === poll.id && i.poll.totalVotes === 2);
    const { joined } = await joinAs(ch.slug, 'voter a', {});
    expect(joined.poll).toMatchObject({ id: poll.id, totalVotes: 2 });
    expect(joined.yourVote).toBeNull();
    const again = await a.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'voter a' });
    expect(again.yourVote).toBe(1);
    const closed = (await request(url).post(`${base(ch.slug)}/polls/${poll.id}/close`).set(auth()).expect(200)).body as Poll;
    expect(closed).toMatchObject({ status: 'closed', totalVotes: 2, options: [{ votes: 0 }, { votes: 2 }, { votes: 0 }] });
    await b.untilItem('poll', (i) => i.poll.id === poll.id && i.poll.status === 'closed');
    await request(url).post(`${base(ch.slug)}/polls/${poll.id}/close`).set(auth()).expect(409);
    expect(await b.emit('vote', { pollId: poll.id, option: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const list = (await request(url).get(`${base(ch.slug)}/polls`).set(auth()).expect(200)).body as { items: Poll[] };
    expect(list.items).toEqual([closed]);
    expect(await db.prisma.chatPollVote.count({ where: { pollId: poll.id } })).toBe(2);
  });

  it('closes a poll by itself when its time is up', async () => {
    const ch = await channel();
    const { c } = await joinAs(ch.slug, 'patient');
    const poll = (await request(url).post(`${base(ch.slug)}/polls`).set(auth()).send({ question: 'quick?', options: ['yes', 'no'], durationSeconds: 10 }).expect(201)).body as Poll;
    await db.prisma.chatPoll.update({ where: { id: poll.id }, data: { closesAt: new Date(Date.now() - 1) } });
    await c.untilItem('poll', (i) => i.poll.id === poll.id && i.poll.status === 'closed');
  });

  it('pins, announces and deletes; every action goes in the audit log', async () => {
    const ch = await channel();
    const { c } = await joinAs(ch.slug, 'member');
    const sent = await c.ok<ChatSent>('send', { text: 'pin this' });
    const other = await c.ok<ChatSent>('send', { text: 'delete this' });
    const pinned = await request(url).put(`${base(ch.slug)}/pin`).set(auth()).send({ messageId: sent.id }).expect(200);
    expect(pinned.body).toMatchObject({ pinned: { id: sent.id, text: 'pin this' } });
    await c.untilItem('pin', (i) => i.message?.id === sent.id);
    expect((await c.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'member' })).pinned).toMatchObject({ id: sent.id });
    await request(url).put(`${base(ch.slug)}/pin`).set(auth()).send({ messageId: '0190a8c4-0000-7000-8000-000000000000' }).expect(404);

    const announcement = (await request(url).post(`${base(ch.slug)}/announcements`).set(auth()).send({ text: '곧 시작합니다' }).expect(201)).body as ChatMessage;
    expect(announcement).toMatchObject({ kind: 'announcement', text: '곧 시작합니다', author: { key: `u:${owner.id}`, role: 'owner', registered: true } });
    await c.untilItem('message', (i) => i.message.id === announcement.id);

    await request(url).delete(`${base(ch.slug)}/messages/${other.id}`).set(auth()).expect(204);
    await c.untilItem('delete', (i) => i.messageIds.includes(other.id));
    await request(url).delete(`${base(ch.slug)}/messages/${other.id}`).set(auth()).expect(404);
    await request(url).delete(`${base(ch.slug)}/messages/not-a-uuid`).set(auth()).expect(400);
    const history = (await c.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'member' })).history.map((m) => m.text);
    expect(history).toEqual(['pin this', '곧 시작합니다']);
    const page = (await request(url).get(`${base(ch.slug)}/messages`).set(auth()).expect(200)).body as { items: ChatMessage[]; nextCursor: string | null };
    expect(page.items.map((m) => m.text)).toEqual(['곧 시작합니다', 'pin this']);
    const firstPage = (await request(url).get(`${base(ch.slug)}/messages?limit=1`).set(auth()).expect(200)).body as { items: ChatMessage[]; nextCursor: string };
    const secondPage = (await request(url).get(`${base(ch.slug)}/messages?limit=1&cursor=${firstPage.nextCursor}`).set(auth()).expect(200)).body as { items: ChatMessage[] };
    expect([...firstPage.items, ...secondPage.items].map((m) => m.text)).toEqual(['곧 시작합니다', 'pin this']);

    // Deleting the pinned message unpins it.
    await request(url).delete(`${base(ch.slug)}/messages/${sent.id}`).set(auth()).expect(204);
    await c.untilItem('pin', (i) => i.message === null);

    const audit = (await request(url).get(`${base(ch.slug)}/audit`).set(auth()).expect(200)).body as { items: ChatAuditEntry[] };
    expect(audit.items.map((e) => e.action).reverse()).toEqual(['pin', 'announcement', 'message.delete', 'message.delete', 'unpin']);
    expect(audit.items.every((e) => e.actor === `u:${owner.id}` && e.channelId === ch.id)).toBe(true);
    expect(audit.items.find((e) => e.target === other.id)).toMatchObject({ action: 'message.delete', detail: { text: 'delete this', nickname: 'member' } });
  });

  it('holds messages for review; approve delivers, reject does not; masked and dropped ones are counted', async () => {
    const ch = await channel();
    const { c } = await joinAs(ch.slug, 'edgy');
    const held = await c.ok<ChatSent>('send', { text: 'HOLDME please' });
    const rejected = await c.ok<ChatSent>('send', { text: 'HOLDME too' });
    expect(held.outcome).toBe('held');
    expect(await c.ok<ChatSent>('send', { text: 'MASKME now' })).toMatchObject({ outcome: 'masked' });
    expect(await c.ok<ChatSent>('send', { text: 'DROPME now' })).toMatchObject({ outcome: 'dropped' });
    await c.untilItem('message', (i) => i.message.masked);
    expect(c.messages()).toEqual(['****** now']);
    const queue = (await request(url).get(`${base(ch.slug)}/held`).set(auth()).expect(200)).body as { items: HeldMessage[] };
    expect(queue.items.map((m) => [m.id, m.text, m.reasons])).toEqual([[held.id, 'HOLDME please', ['test.hold']], [rejected.id, 'HOLDME too', ['test.hold']]]);
    await request(url).post(`${base(ch.slug)}/held/${held.id}/approve`).set(auth()).expect(200);
    await c.untilItem('message', (i) => i.message.id === held.id);
    await request(url).post(`${base(ch.slug)}/held/${rejected.id}/reject`).set(auth()).expect(200);
    await request(url).post(`${base(ch.slug)}/held/${rejected.id}/approve`).set(auth()).expect(404);
    expect(((await request(url).get(`${base(ch.slug)}/held`).set(auth()).expect(200)).body as { items: unknown[] }).items).toEqual([]);
    const history = (await c.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'edgy' })).history.map((m) => m.text);
    expect(history).toEqual(['HOLDME please', '****** now']);
    expect(c.messages()).not.toContain('HOLDME too');
  });

  it('counts a live session: messages per minute, chatters, peak connections, outcomes, filter hits, actions', async () => {
    const ch = await channel();
    const session = await db.prisma.liveSession.create({ data: { channelId: ch.id, state: 'live', ingestId: 'i', storagePrefix: `live/${ch.id}`, startedAt: new Date() } });
    const { c: a, joined: ja } = await joinAs(ch.slug, 'stat a');
    const { c: b } = await joinAs(ch.slug, 'stat b');
    const { c: watcher } = await joinAs(ch.slug, 'stat watcher');
    await watcher.until(() => watcher.viewers.includes(3));
    await a.ok('send', { text: 'hello' });
    await a.ok('send', { text: 'MASKME' });
    await b.ok('send', { text: 'DROPME' });
    await b.ok('send', { text: 'HOLDME' });
    await b.ok('send', { text: 'plain' });
    await request(url).post(`${base(ch.slug)}/announcements`).set(auth()).send({ text: 'not counted as a chat message' }).expect(201);
    await request(url).post(`${base(ch.slug)}/bans`).set(auth()).send({ authorKey: ja.you.key, durationSeconds: 60 }).expect(201);
    const stats = (await request(url).get(`${base(ch.slug)}/stats?session=${session.id}`).set(auth()).expect(200)).body as ChatStats;
    expect(stats).toMatchObject({
      channelId: ch.id,
      liveSessionId: session.id,
      messages: 5,
      uniqueChatters: 2,
      outcomes: { delivered: 2, masked: 1, held: 1, dropped: 1 },
      filterHits: { 'test.any': 2, 'test.drop': 1, 'test.hold': 1, 'test.mask': 1 },
      moderationActions: { announcement: 1, timeout: 1 },
    });
    expect(stats.peakConnections).toBeGreaterThanOrEqual(3);
    expect(stats.perMinute.reduce((n, m) => n + m.messages, 0)).toBe(5);
    expect(stats.perMinute.every((m) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(m.minute))).toBe(true);
    const current = (await request(url).get(`${base(ch.slug)}/stats`).set(auth()).expect(200)).body as ChatStats;
    expect(current).toEqual(stats);
    await request(url).get(`${base(ch.slug)}/stats?session=0190a8c4-0000-7000-8000-000000000000`).set(auth()).expect(404);
    await request(url).get(`${base(ch.slug)}/stats?session=nope`).set(auth()).expect(400);
  });
});
