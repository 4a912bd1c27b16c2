import { CHAT_MESSAGE_MAX_LENGTH } from '@onda/contracts';
import { describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client';
import { DeviceIdKey, DeviceTokenKey, memoryStore, NicknameKey, type KeyValueStore } from './chat-storage';
import { FakeSocket, makeJoined, makeMessage, ok, refused } from './testing';

const NOW = Date.parse('2026-01-01T09:00:00.000Z');

function setup(options: { nickname?: string; joined?: ReturnType<typeof makeJoined>; store?: KeyValueStore } = {}) {
  const socket = new FakeSocket();
  const store = options.store ?? memoryStore();
  if (options.nickname) store.setItem(NicknameKey, options.nickname);
  const handshakes: string[] = [];
  // Like the server: an anonymous viewer without a nickname joins to read; `nickname` names them in place.
  socket.respond.join = (payload) => ok(options.joined ?? makeJoined({ nickname: (payload as { nickname?: string }).nickname ?? null }));
  socket.respond.nickname = (payload) => ok({ key: 'a:device1', nickname: (payload as { nickname: string }).nickname, role: 'viewer', registered: false });
  const sut = new ChatClient({ channel: 'show', store, now: () => NOW, connect: (deviceId) => (handshakes.push(deviceId), socket) });
  sut.start();
  return { sut, socket, store, handshakes };
}

describe(ChatClient.name, () => {
  it('keeps the device token the server issues and offers it on every later connection (finding 6)', async () => {
    const socket = new FakeSocket();
    const store = memoryStore();
    const joined = makeJoined({ nickname: null });
    joined.you.deviceToken = `${'a'.repeat(22)}.${'b'.repeat(32)}`;
    socket.respond.join = () => ok(joined);
    let token: (() => string | null) | undefined;
    const sut = new ChatClient({ channel: 'show', store, now: () => NOW, connect: (_id, deviceToken) => ((token = deviceToken), socket) });
    expect(token).toBeUndefined();
    sut.start();
    expect(token?.()).toBeNull();
    await Promise.resolve();
    expect(store.getItem(DeviceTokenKey)).toBe(joined.you.deviceToken);
    // socket.io calls the auth function again at each reconnect: it now carries the token.
    expect(token?.()).toBe(joined.you.deviceToken);
  });

  it('lets an anonymous viewer read at once, then names them over the same socket and remembers the nickname', async () => {
    const { sut, socket, store, handshakes } = setup({ joined: makeJoined({ nickname: null, history: [makeMessage('hello readers')] }) });
    await Promise.resolve();
    expect(socket.emittedOf('join')).toEqual([{ channel: 'show' }]);
    expect(sut.getSnapshot()).toMatchObject({ status: 'joined', you: { nickname: null } });
    expect(sut.getSnapshot().messages.map((m) => m.text)).toEqual(['hello readers']);
    expect(handshakes[0]).toMatch(/^[a-f0-9]{32}$/);
    expect(store.getItem(DeviceIdKey)).toBe(handshakes[0]);

    expect(await sut.chooseNickname('a')).toBe(false);
    expect(sut.getSnapshot().nicknameError).toBe('tooShort');
    expect(await sut.chooseNickname('<script>')).toBe(false);
    expect(sut.getSnapshot().nicknameError).toBe('characters');
    expect(await sut.chooseNickname('x'.repeat(21))).toBe(false);
    expect(sut.getSnapshot().nicknameError).toBe('tooLong');
    expect(socket.emittedOf('nickname')).toEqual([]);

    socket.respond.nickname = () => refused('conflict', 'The nickname "Admin" is reserved');
    expect(await sut.chooseNickname('Admin')).toBe(false);
    expect(sut.getSnapshot()).toMatchObject({ nicknameError: 'taken', you: { nickname: null } });
    socket.respond.nickname = () => refused('rate_limited', 'Too many joins, votes or reactions', 1000);
    expect(await sut.chooseNickname('mina')).toBe(false);
    expect(sut.getSnapshot().nicknameError).toBe('failed');

    socket.respond.nickname = (payload) => ok({ key: 'a:device1', nickname: (payload as { nickname: string }).nickname, role: 'viewer', registered: false });
    expect(await sut.chooseNickname('  하늘 바다  ')).toBe(true);
    expect(socket.emittedOf('nickname').at(-1)).toEqual({ nickname: '하늘 바다' });
    expect(socket.emittedOf('join')).toHaveLength(1);
    expect(sut.getSnapshot()).toMatchObject({ status: 'joined', nicknameError: null, you: { key: 'a:device1', nickname: '하늘 바다', canModerate: false } });
    expect(sut.getSnapshot().messages.map((m) => m.text)).toEqual(['hello readers']);
    expect(store.getItem(NicknameKey)).toBe('하늘 바다');
  });

  it('reads without a nickname when the remembered one is refused, and says why', async () => {
    const { sut, socket } = setup({ nickname: 'Admin' });
    socket.respond.join = (payload) => ((payload as { nickname?: string }).nickname ? refused('conflict', 'The nickname "Admin" is reserved') : ok(makeJoined({ nickname: null })));
    sut.retry();
    await Promise.resolve();
    await Promise.resolve();
    expect(socket.emittedOf('join').slice(-2)).toEqual([{ channel: 'show', nickname: 'Admin' }, { channel: 'show' }]);
    expect(sut.getSnapshot()).toMatchObject({ status: 'joined', nicknameError: 'taken', you: { nickname: null } });
  });

  it('applies a nickname picked while the join is on its way', async () => {
    const socket = new FakeSocket();
    const sut = new ChatClient({ channel: 'show', store: memoryStore(), connect: () => socket });
    sut.start();
    expect(sut.getSnapshot().status).toBe('joining');
    socket.respond.nickname = () => ok({ key: 'a:device1', nickname: 'mina', role: 'viewer', registered: false });
    expect(await sut.chooseNickname('mina')).toBe(true);
    expect(socket.emittedOf('nickname')).toEqual([]);

    socket.pending.find((p) => p.event === 'join')!.ack(ok(makeJoined({ nickname: null })));
    await Promise.resolve();
    expect(socket.emittedOf('nickname')).toEqual([{ nickname: 'mina' }]);
    await Promise.resolve();
    expect(sut.getSnapshot().you?.nickname).toBe('mina');
  });

  it('joins at once with a remembered nickname and applies frames, dropping invalid items', async () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    await Promise.resolve();
    expect(sut.getSnapshot().status).toBe('joined');

    const good = makeMessage('안녕하세요');
    socket.serverEmit('frame', { items: [{ type: 'message', message: { ...good, text: 42 } }, { type: 'message', message: good }, { type: 'bogus' }] });
    socket.serverEmit('frame', 'not a frame');
    socket.serverEmit('viewers', { count: 1234 });
    socket.serverEmit('viewers', { count: -1 });

    expect(sut.getSnapshot().messages).toEqual([good]);
    expect(sut.getSnapshot().viewers).toBe(1234);
  });

  it('maps refused sends to feedback: rate limit with a countdown, ban, timeout, registered-only', async () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    await Promise.resolve();

    socket.respond.send = () => refused('rate_limited', 'Too many messages', 4200);
    expect(await sut.send('hi')).toBe(false);
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'rate-limited', until: NOW + 4200 });
    // While the countdown runs nothing is emitted.
    expect(await sut.send('again')).toBe(false);
    expect(socket.emittedOf('send')).toHaveLength(1);

    sut.clearFeedback();
    socket.respond.send = () => refused('forbidden', 'You are banned from this chat');
    await sut.send('hi');
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'banned' });

    socket.respond.send = () => refused('forbidden', 'You are timed out', 600_000);
    sut.clearFeedback();
    await sut.send('hi');
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'timed-out', until: NOW + 600_000 });

    socket.respond.send = () => refused('unauthenticated', 'Only signed-in users may chat');
    sut.clearFeedback();
    await sut.send('hi');
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'registered-only' });
  });

  it('reports held and dropped messages, and refuses a too long one without sending it', async () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    await Promise.resolve();
    socket.respond.send = () => ok({ id: 'm1', outcome: 'held' });
    expect(await sut.send('check https://example.com')).toBe(true);
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'held' });

    socket.respond.send = () => ok({ id: 'm2', outcome: 'dropped' });
    await sut.send('bad words');
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'dropped' });

    expect(await sut.send('가'.repeat(CHAT_MESSAGE_MAX_LENGTH + 1))).toBe(false);
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'too-long' });
    expect(socket.emittedOf('send')).toHaveLength(2);
  });

  it('counts slow mode down locally after a delivered message', async () => {
    const { sut, socket } = setup({ joined: makeJoined({ mode: { slowModeSeconds: 30, registeredOnly: false } }) });
    await Promise.resolve();
    socket.respond.send = () => ok({ id: 'm1', outcome: 'delivered' });
    expect(await sut.send('first')).toBe(true);
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'slow-mode', until: NOW + 30_000 });
  });

  it('starts banned or timed out when the join says so', async () => {
    const banned = setup({ joined: { ...makeJoined(), you: { ...makeJoined().you, banned: true } } });
    await Promise.resolve();
    expect(banned.sut.getSnapshot().feedback).toEqual({ kind: 'banned' });

    const muted = setup({ joined: { ...makeJoined(), you: { ...makeJoined().you, mutedUntil: new Date(NOW + 60_000).toISOString() } } });
    await Promise.resolve();
    expect(muted.sut.getSnapshot().feedback).toEqual({ kind: 'timed-out', until: NOW + 60_000 });
  });

  it('shows reconnecting while the socket is down, then re-joins asking only for what it missed', async () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    await Promise.resolve();
    const seen = makeMessage('before');
    socket.serverEmit('frame', { items: [{ type: 'message', message: seen }] });

    socket.drop();
    expect(sut.getSnapshot().status).toBe('reconnecting');
    expect(sut.getSnapshot().messages).toEqual([seen]);
    expect(await sut.send('lost?')).toBe(false);
    expect(sut.getSnapshot().feedback).toEqual({ kind: 'offline' });

    // Back online: the join is answered after a frame already brought one of the missed messages and a newer one.
    const [missed1, missed2, after] = [makeMessage('missed 1'), makeMessage('missed 2'), makeMessage('after')];
    delete socket.respond.join;
    socket.reconnect();
    expect(socket.emittedOf('join').at(-1)).toEqual({ channel: 'show', nickname: 'mina', since: seen.id, recent: [seen.id] });
    socket.serverEmit('frame', { items: [{ type: 'message', message: missed2 }, { type: 'message', message: after }] });
    socket.pending.find((p) => p.event === 'join')!.ack(ok(makeJoined({ nickname: 'mina', history: [missed1, { ...missed2, reactions: { like: 2 } }] })));
    await Promise.resolve();
    expect(sut.getSnapshot().status).toBe('joined');
    expect(sut.getSnapshot().messages.map((m) => m.text)).toEqual(['before', 'missed 1', 'missed 2', 'after']);
    expect(sut.getSnapshot().messages[2]!.reactions).toEqual({ like: 2 });

    // Every reconnect is a new server session (no connection-state recovery): it joins again, from the newest message.
    socket.respond.join = () => ok(makeJoined({ nickname: 'mina', history: [] }));
    socket.drop();
    socket.reconnect();
    await Promise.resolve();
    expect(socket.emittedOf('join')).toHaveLength(3);
    expect(socket.emittedOf('join').at(-1)).toEqual({ channel: 'show', nickname: 'mina', since: after.id, recent: [seen, missed1, missed2, after].map((m) => m.id) });
    expect(sut.getSnapshot()).toMatchObject({ status: 'joined' });
    expect(sut.getSnapshot().messages).toHaveLength(4);
  });

  it('re-joins a viewer without a nickname as a reader too', async () => {
    const { sut, socket } = setup();
    await Promise.resolve();
    const seen = makeMessage('before');
    socket.serverEmit('frame', { items: [{ type: 'message', message: seen }] });
    socket.drop();
    socket.reconnect();
    await Promise.resolve();
    expect(socket.emittedOf('join')).toEqual([{ channel: 'show' }, { channel: 'show', since: seen.id, recent: [seen.id] }]);
    expect(sut.getSnapshot()).toMatchObject({ status: 'joined', you: { nickname: null } });
  });

  it('fails visibly when the server refuses the join, and retries on request', async () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    socket.respond.join = () => refused('not_found', 'No channel show');
    sut.retry();
    await Promise.resolve();
    expect(sut.getSnapshot()).toMatchObject({ status: 'failed', joinError: { code: 'not_found' } });

    socket.respond.join = () => ok(makeJoined({ nickname: 'mina' }));
    sut.retry();
    await Promise.resolve();
    expect(sut.getSnapshot().status).toBe('joined');
  });

  it('says why the server refused the handshake', () => {
    const { sut, socket } = setup({ nickname: 'mina' });
    socket.active = false;
    socket.drop('io server disconnect');
    socket.serverEmit('connect_error', Object.assign(new Error('At most 20 chat connections per address'), { data: { code: 'rate_limited', detail: 'At most 20 chat connections per address' } }));
    expect(sut.getSnapshot()).toMatchObject({ status: 'failed', joinError: { code: 'rate_limited', detail: 'At most 20 chat connections per address' } });
    sut.stop();
  });

  it('votes and reacts through acks, applying the answers', async () => {
    const message = makeMessage('gg');
    const { sut, socket } = setup({ nickname: 'mina', joined: makeJoined({ history: [message] }) });
    await Promise.resolve();
    socket.respond.vote = () => ok({});
    socket.respond.react = () => ok({ messageId: message.id, reactions: { clap: 3 } });

    expect(await sut.vote('00000000-0000-4000-8000-0000000000f1', 1)).toBe(true);
    expect(sut.getSnapshot().yourVote).toBe(1);
    expect(await sut.react(message.id, 'clap')).toBe(true);
    expect(socket.emittedOf('react')).toEqual([{ messageId: message.id, emote: 'clap' }]);
    expect(sut.getSnapshot().messages[0]!.reactions).toEqual({ clap: 3 });
  });
});
