import request from 'supertest';
import { createAdminWithToken } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_MESSAGE_MAX_LENGTH, ChatJoinedSchema, type ChatAuthor, type ChatJoined, type ChatMessage, type ChatReacted, type ChatSent, type Poll } from '@onda/contracts';
import { createChannel, createTestDatabase, createUser, type TestDatabase } from '@onda/db';
import { ChatTestClient, closeChatSuite, startChatApi, userWithToken } from './chat.support.js';
import { BeaconIngest } from '../src/stats/beacon.ingest.js';

describe('chat gateway (real PostgreSQL, socket.io clients)', () => {
  let db: TestDatabase;
  let api: Awaited<ReturnType<typeof startChatApi>>;
  let url: string;
  let owner: { id: string; token: string };
  const clients: ChatTestClient[] = [];

  const connect = async (auth: Parameters<typeof ChatTestClient.connect>[1] = {}) => {
    const c = await ChatTestClient.connect(url, auth);
    clients.push(c);
    return c;
  };
  const channel = async (overrides: Parameters<typeof createChannel>[2] = {}) => createChannel(db.prisma, owner.id, overrides);
  const joinAs = async (slug: string, nickname: string, auth: Parameters<typeof ChatTestClient.connect>[1] = {}) => {
    const c = await connect(auth);
    const joined = await c.ok<ChatJoined>('join', { channel: slug, nickname });
    return { c, joined };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startChatApi(db, { chat: { perConnection: { limit: 5, windowMs: 60_000 }, perAuthor: { limit: 8, windowMs: 60_000 } } });
    url = api.sut.url;
    owner = await userWithToken(db.prisma, 'admin', ['*'], 'Owner');
  });

  afterAll(async () => {
    await closeChatSuite(clients, [api], db);
  });

  it('joins anonymously with a nickname and gets an empty room with mode and viewer count', async () => {
    const ch = await channel();
    const { joined } = await joinAs(ch.slug, '민지');
    expect(ChatJoinedSchema.parse(joined)).toMatchObject({
      channelId: ch.id,
      you: { nickname: '민지', role: 'viewer', registered: false, canModerate: false, mutedUntil: null, banned: false },
      history: [],
      pinned: null,
      poll: null,
      yourVote: null,
      mode: { slowModeSeconds: 0, registeredOnly: false },
      viewers: 1,
    });
    expect(joined.you.key).toMatch(/^a:/);
  });

  it('lets an anonymous viewer read, vote and react without a nickname, and send once they pick one', async () => {
    const ch = await channel();
    const { c: talker } = await joinAs(ch.slug, 'talker');
    const hello = await talker.ok<ChatSent>('send', { text: 'hello lurkers' });
    const poll = (await request(url).post(`/v1/channels/${ch.slug}/chat/polls`).set('Authorization', `Bearer ${owner.token}`).send({ question: 'Which?', options: ['a', 'b'] }).expect(201)).body as Poll;

    const lurker = await connect({ deviceId: 'lurking-device' });
    const joined = ChatJoinedSchema.parse(await lurker.ok<ChatJoined>('join', { channel: ch.slug }));
    expect(joined).toMatchObject({ you: { nickname: null, role: 'viewer', registered: false, canModerate: false, banned: false }, poll: { id: poll.id }, viewers: 2 });
    expect(joined.history.map((m) => m.text)).toEqual(['hello lurkers']);
    expect(joined.you.key).toMatch(/^a:/);

    // Reading, voting and reacting need no nickname; the room sees a lurker's vote and reaction like anyone's.
    await talker.ok('send', { text: 'can you read this?' });
    await lurker.until(() => lurker.messages().includes('can you read this?'));
    expect(await lurker.ok<Poll>('vote', { pollId: poll.id, option: 1 })).toMatchObject({ totalVotes: 1 });
    expect(await lurker.ok<ChatReacted>('react', { messageId: hello.id, emote: 'heart' })).toEqual({ messageId: hello.id, reactions: { heart: 1 } });
    await talker.untilItem('reactions', (i) => i.messageId === hello.id);

    // Sending needs a nickname: a clear refusal, and nothing reaches the room.
    expect(await lurker.emit('send', { text: 'sneaky' })).toEqual({ ok: false, error: { code: 'unprocessable', detail: 'Pick a nickname to chat' } });
    expect(await lurker.emit('nickname', { nickname: '운영자' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await lurker.emit('nickname', { nickname: 'x' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await lurker.emit('nickname', { nickname: 'ok name', extra: 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await lurker.emit('send', { text: 'still sneaky' })).toMatchObject({ ok: false, error: { code: 'unprocessable' } });

    // Picking a nickname on the same socket: same person (key, vote), now able to send.
    const named = await lurker.ok<ChatAuthor>('nickname', { nickname: '  조용한 관객 ' });
    expect(named).toEqual({ key: joined.you.key, nickname: '조용한 관객', role: 'viewer', registered: false });
    expect(await lurker.emit('vote', { pollId: poll.id, option: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await lurker.ok<ChatSent>('send', { text: 'hi, I was reading along' });
    const said = await talker.untilItem('message', (i) => i.message.text === 'hi, I was reading along');
    expect(said.message.author).toEqual(named);
    expect(talker.messages()).not.toContain('sneaky');

    // A later join (a reload) without a nickname reads again; with one it can send at once.
    const again = await lurker.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'renamed' });
    expect(again.you).toMatchObject({ key: joined.you.key, nickname: 'renamed' });
    expect((await lurker.ok<ChatJoined>('join', { channel: ch.slug })).you.nickname).toBeNull();

    // Signed-in viewers chat with their account name.
    const member = await connect({ token: owner.token });
    await member.ok('join', { channel: ch.slug });
    expect(await member.emit('nickname', { nickname: 'someone else' })).toMatchObject({ ok: false, error: { code: 'conflict', detail: 'Signed-in viewers chat with their account name' } });
  });

  it('answers bad payloads with validation_failed acks and keeps serving the socket', async () => {
    const ch = await channel();
    const c = await connect();
    const cases: Array<[string, unknown, string]> = [
      ['join', { channel: ch.slug, nickname: 'x' }, 'validation_failed'],
      ['join', { channel: ch.slug, nickname: '<b>bold</b>' }, 'validation_failed'],
      ['join', { channel: ch.slug, nickname: 'ok name', extra: 1 }, 'validation_failed'],
      ['join', 'not an object', 'validation_failed'],
      ['join', undefined, 'validation_failed'],
      ['join', { channel: ch.slug, nickname: '운영자' }, 'conflict'],
      ['join', { channel: ch.slug, nickname: 'Admin' }, 'conflict'],
      ['join', { channel: 'no-such-channel', nickname: 'viewer' }, 'not_found'],
      ['send', { text: 'before joining' }, 'conflict'],
      ['nickname', { nickname: 'before joining' }, 'conflict'],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await c.emit(event, payload);
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code } });
    }
    c.socket.emit('send', { text: 'no ack at all' });
    c.socket.emit('frame', { items: [] });
    // Event names come from the client: nothing inherited from Object.prototype answers them.
    for (const name of ['toString', 'constructor', 'hasOwnProperty']) c.socket.emit(name, {}, () => expect.fail(`${name} was answered`));
    await c.ok('join', { channel: ch.slug, nickname: 'viewer' });
    for (const payload of [{}, { text: '' }, { text: '   ' }, { text: 42 }, { text: 'x', extra: true }, [1, 2], null, { text: 'x'.repeat(CHAT_MESSAGE_MAX_LENGTH + 1) }]) {
      expect(await c.emit('send', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    for (const payload of [{ pollId: 'nope', option: 0 }, { messageId: 'x', emote: 'nope' }]) {
      expect(await c.emit(payload.pollId ? 'vote' : 'react', payload)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await c.ok<ChatSent>('send', { text: '😀'.repeat(CHAT_MESSAGE_MAX_LENGTH) })).toMatchObject({ outcome: 'delivered' });
  });

  it('delivers messages to everyone in the room, several per frame, and keeps them as history', async () => {
    const ch = await channel();
    const { c: alice } = await joinAs(ch.slug, 'alice');
    const { c: bob } = await joinAs(ch.slug, 'bob');
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const acks = await Promise.all(texts.map((text) => alice.ok<ChatSent>('send', { text })));
    expect(acks.map((a) => a.outcome)).toEqual(texts.map(() => 'delivered'));
    await bob.until(() => bob.messages().length === texts.length);
    expect(bob.messages()).toEqual(texts);
    const framesWithMessages = bob.frames.filter((f) => f.items.some((i) => i.type === 'message'));
    expect(framesWithMessages.length).toBeLessThan(texts.length);
    const first = bob.items.find((i) => i.type === 'message');
    expect(first).toMatchObject({ message: { channelId: ch.id, kind: 'message', author: { nickname: 'alice', role: 'viewer', registered: false }, masked: false } });
    const ids = acks.map((a) => a.id);
    expect([...ids].sort()).toEqual(ids);
    const { joined } = await joinAs(ch.slug, 'carol');
    expect(joined.history.map((m) => m.text)).toEqual(texts);
    expect(joined.viewers).toBe(3);
  });

  it('limits messages per connection and per author, with retryAfterMs', async () => {
    const ch = await channel();
    const { c } = await joinAs(ch.slug, 'speedy');
    for (let i = 0; i < 5; i++) await c.ok('send', { text: `m${i}` });
    const limited = await c.emit('send', { text: 'one too many' });
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (limited.ok) throw new Error('unreachable');
    expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    expect(limited.error.retryAfterMs).toBeLessThanOrEqual(60_000);

    // Same device (the token the server issued to its first connection), two connections: 5 + 3 fit the author's 8, the 9th does not.
    const { c: first, joined: firstJoin } = await joinAs(ch.slug, 'twin');
    const { c: second, joined } = await joinAs(ch.slug, 'twin', { deviceToken: firstJoin.you.deviceToken! });
    expect(joined.you.key).toBe((await first.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'twin' })).you.key);
    for (let i = 0; i < 5; i++) await first.ok('send', { text: `a${i}` });
    for (let i = 0; i < 3; i++) await second.ok('send', { text: `b${i}` });
    expect(await second.emit('send', { text: 'b3' })).toMatchObject({ ok: false, error: { code: 'rate_limited', detail: expect.stringMatching(/too fast/) } });
  });

  it('refuses look-alike staff names and the channel owner\'s name to anonymous viewers (finding 15)', async () => {
    const streamer = await createUser(db.prisma, { displayName: 'Kim Minji' });
    const ch = await createChannel(db.prisma, streamer.id);
    const c = await connect();
    for (const nickname of ['аdmin', 'Kim Minji', 'kіm mіnjі', 'KIM_MINJI']) {
      expect(await c.emit('join', { channel: ch.slug, nickname }), nickname).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    await c.ok('join', { channel: ch.slug });
    expect(await c.emit('nickname', { nickname: 'Kim Minji' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await c.ok('nickname', { nickname: 'Minji fan' })).toMatchObject({ nickname: 'Minji fan' });
  });

  it('stores and sends hostile text verbatim as plain text', async () => {
    const ch = await channel();
    const { c: sender } = await joinAs(ch.slug, 'mallory 1');
    const { c: reader } = await joinAs(ch.slug, 'reader');
    const payloads = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(document.cookie)>',
      "'; DROP TABLE chat_messages; --",
      'javascript:alert(1)',
      '{{constructor.constructor("alert(1)")()}}',
      '&lt;b&gt; &amp; \\u003c',
      '${process.exit(1)} %s %n __proto__',
    ];
    const { c: sender2 } = await joinAs(ch.slug, 'mallory 2');
    for (const [i, text] of payloads.entries()) await (i < 4 ? sender : sender2).ok('send', { text });
    await reader.until(() => reader.messages().length === payloads.length);
    expect(reader.messages()).toEqual(payloads);
    // Reading the messages over REST writes this node's pending batch first.
    const page = await request(url).get(`/v1/channels/${ch.slug}/chat/messages?limit=50`).set('Authorization', `Bearer ${owner.token}`).expect(200);
    expect((page.body as { items: ChatMessage[] }).items.map((m) => m.text).reverse()).toEqual(payloads);
    const rows = await db.prisma.chatMessage.findMany({ where: { channelId: ch.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.text)).toEqual(payloads);
  });

  it('replays what a viewer missed while its connection was down (join with since)', async () => {
    const ch = await channel();
    const { c: viewer } = await joinAs(ch.slug, 'flaky', { deviceId: 'reconnecting-device' });
    const { c: talker } = await joinAs(ch.slug, 'talker');
    await talker.ok('send', { text: 'before' });
    await viewer.until(() => viewer.messages().includes('before'));
    const last = viewer.items.flatMap((i) => (i.type === 'message' ? [i.message.id] : [])).at(-1)!;

    // The transport drops under the socket (as a network loss does); the room goes on without it.
    const dropped = new Promise<string>((resolve) => viewer.socket.once('disconnect', resolve));
    viewer.socket.io.engine.transport.close();
    expect(await dropped).toBe('transport close');
    await talker.ok('send', { text: 'missed 1' });
    await talker.ok('send', { text: 'missed 2' });

    // The same socket reconnects: a new server-side session (no connection-state recovery), so it re-joins with `since`.
    const back = new Promise<void>((resolve) => viewer.socket.once('connect', () => resolve()));
    viewer.socket.connect();
    await back;
    expect(viewer.socket.recovered).not.toBe(true);
    expect(viewer.messages()).toEqual(['before']);
    const joined = await viewer.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'flaky', since: last });
    expect(joined.history.map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
    await talker.ok('send', { text: 'after' });
    await viewer.until(() => viewer.messages().includes('after'));
    // A message still in the room's pending batch at the re-join comes in a frame too; one copy per id is the whole room.
    const copies = new Map([...viewer.items.flatMap((i) => (i.type === 'message' ? [i.message] : [])), ...joined.history].map((m) => [m.id, m.text]));
    expect([...copies].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, text]) => text)).toEqual(['before', 'missed 1', 'missed 2', 'after']);

    // Exactly once on the wire: what the join's history held never came in a frame as well.
    const framed = viewer.items.flatMap((i) => (i.type === 'message' ? [i.message.id] : []));
    expect(joined.history.filter((m) => framed.includes(m.id))).toEqual([]);

    const full = await viewer.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'flaky' });
    expect(full.history.map((m) => m.text)).toEqual(['before', 'missed 1', 'missed 2', 'after']);

    // A client that got a newer message before an older one (through another API node) and dropped in between lists
    // the ids it holds: the replay brings the one it lacks, even though it is older than `since`.
    const ids = new Map(full.history.map((m) => [m.text, m.id]));
    const held = ['before', 'missed 2', 'after'].map((t) => ids.get(t)!);
    const resumed = await viewer.ok<ChatJoined>('join', { channel: ch.slug, nickname: 'flaky', since: ids.get('after'), recent: held });
    expect(resumed.history.map((m) => m.text)).toEqual(['missed 1']);
  });

  it('counts reactions once per emote and viewer, sends them to the room and counts them in the broadcast timeline', async () => {
    const ch = await channel();
    const session = await db.prisma.liveSession.create({ data: { channelId: ch.id, state: 'live', ingestId: `ingest-${ch.id}`, storagePrefix: `live/${ch.id}`, startedAt: new Date() } });
    const { c: a } = await joinAs(ch.slug, 'reactor a');
    const { c: b } = await joinAs(ch.slug, 'reactor b');
    const sent = await a.ok<ChatSent>('send', { text: 'react to me' });
    expect(await a.ok<ChatReacted>('react', { messageId: sent.id, emote: 'like' })).toEqual({ messageId: sent.id, reactions: { like: 1 } });
    expect(await a.ok<ChatReacted>('react', { messageId: sent.id, emote: 'like' })).toEqual({ messageId: sent.id, reactions: { like: 1 } });
    expect(await b.ok<ChatReacted>('react', { messageId: sent.id, emote: 'like' })).toEqual({ messageId: sent.id, reactions: { like: 2 } });
    await b.untilItem('reactions', (i) => i.messageId === sent.id && i.reactions.like === 2);
    expect(await b.emit('react', { messageId: '0190a8c4-0000-7000-8000-000000000000', emote: 'like' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const { joined } = await joinAs(ch.slug, 'late');
    expect(joined.history.find((m) => m.id === sent.id)?.reactions).toEqual({ like: 2 });
    // Statistics: two viewers' reactions, the repeated one not counted again.
    await api.sut.app.get(BeaconIngest).flush();
    const buckets = await db.prisma.statsLiveBucket.findMany({ where: { liveSessionId: session.id } });
    expect(buckets.reduce((sum, b) => sum + b.reactions, 0)).toBe(2);
  });

  it('sends periodic viewer counts to the room', async () => {
    const ch = await channel();
    const { c: a } = await joinAs(ch.slug, 'count a');
    await joinAs(ch.slug, 'count b');
    await a.until(() => a.viewers.includes(2));
  });

  it('knows signed-in users by API token or console cookie, with their channel role', async () => {
    const ch = await channel();
    const tokenUser = await connect({ token: owner.token });
    const asOwner = await tokenUser.ok<ChatJoined>('join', { channel: ch.slug });
    expect(asOwner.you).toMatchObject({ key: `u:${owner.id}`, nickname: 'Owner', role: 'owner', registered: true, canModerate: true });

    const mod = await createUser(db.prisma, { role: 'moderator', displayName: 'Mod Kim', passwordHash: null });
    await db.prisma.channelModerator.create({ data: { channelId: ch.id, userId: mod.id } });
    const { token: modToken } = await createAdminWithToken(db.prisma, mod.email, undefined, 'a long moderator passphrase');
    await db.prisma.user.update({ where: { id: mod.id }, data: { role: 'moderator' } });
    const signIn = await request(url).post('/v1/auth/sign-in').send({ email: mod.email, password: 'a long moderator passphrase' }).expect(200);
    const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const viaCookie = await connect({ cookie });
    expect((await viaCookie.ok<ChatJoined>('join', { channel: ch.slug })).you).toMatchObject({ key: `u:${mod.id}`, role: 'moderator', canModerate: true, registered: true });
    const viaToken = await connect({ token: modToken });
    expect((await viaToken.ok<ChatJoined>('join', { channel: ch.slug })).you).toMatchObject({ role: 'moderator', canModerate: true });

    const readOnly = await userWithToken(db.prisma, 'viewer', ['channels:read']);
    const viewer = await connect({ token: readOnly.token });
    expect((await viewer.ok<ChatJoined>('join', { channel: ch.slug })).you).toMatchObject({ role: 'viewer', canModerate: false, registered: true });

    await expect(ChatTestClient.connect(url, { token: 'onda_not_a_token' })).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(ChatTestClient.connect(url, { deviceId: 'bad id!' })).rejects.toMatchObject({ data: { code: 'validation_failed' } });

    const secret = await channel({ visibility: 'private' });
    const outsider = await connect();
    expect(await outsider.emit('join', { channel: secret.slug, nickname: 'outsider' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await tokenUser.ok<ChatJoined>('join', { channel: secret.slug })).channelId).toBe(secret.id);

    // Finding 1: another tenant's admin account is a stranger in a private room; only the operator moderates everywhere.
    const otherTenant = await userWithToken(db.prisma, 'admin', ['*']);
    expect(await (await connect({ token: otherTenant.token })).emit('join', { channel: secret.slug })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await (await connect({ token: otherTenant.token })).ok<ChatJoined>('join', { channel: ch.slug })).you).toMatchObject({ role: 'viewer', canModerate: false });
    const operator = await userWithToken(db.prisma, 'admin', ['*'], 'Operator', true);
    expect((await (await connect({ token: operator.token })).ok<ChatJoined>('join', { channel: secret.slug })).you).toMatchObject({ role: 'admin', canModerate: true });
    expect(await db.prisma.chatAuditEntry.count({ where: { channelId: secret.id, action: 'operator_access', actor: `u:${operator.id}` } })).toBe(1);
  });

  it('refuses connections over the per-IP limit and frees the slot on disconnect', async () => {
    const small = await startChatApi(db, { chatMaxConnectionsPerIp: 2 });
    try {
      const a = await ChatTestClient.connect(small.sut.url);
      const b = await ChatTestClient.connect(small.sut.url);
      await expect(ChatTestClient.connect(small.sut.url)).rejects.toMatchObject({ data: { code: 'rate_limited' } });
      a.close();
      let c: ChatTestClient | null = null;
      // The server learns of the disconnect a moment later: keep trying until the slot is free.
      while (!c) c = await ChatTestClient.connect(small.sut.url).catch(async () => (await new Promise((r) => setTimeout(r, 50)), null));
      b.close();
      c.close();
    } finally {
      await small.close();
    }
  });
});
