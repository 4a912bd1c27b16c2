import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_SETTINGS, type ChatMessage } from '@onda/contracts';
import type { ChatStore, OpenPoll, RoomSnapshot } from './chat.store.js';
import { MemoryChatStore } from './memory-chat.store.js';
import { RedisChatStore } from './redis-chat.store.js';
import { uuidv7 } from '../domain/uuid7.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const message = (channelId: string, authorKey: string, text: string): ChatMessage => ({
  id: uuidv7(),
  channelId,
  kind: 'message',
  author: { key: authorKey, nickname: 'nick', role: 'viewer', registered: false },
  text,
  masked: false,
  createdAt: new Date().toISOString(),
});

const snapshot = (over: Partial<RoomSnapshot> = {}): RoomSnapshot => ({ settings: DEFAULT_CHAT_SETTINGS, bans: [], pinned: null, poll: null, votes: [], recent: [], ...over });
const gate = (store: ChatStore, channelId: string, authorKey: string, now: number, over: Partial<{ registered: boolean; moderator: boolean; limit: number }> = {}) =>
  store.gate(channelId, { authorKey, registered: false, moderator: false, now, limit: 3, windowMs: 10_000, ...over });

const stores: Array<[string, () => ChatStore]> = [
  ['MemoryChatStore', () => new MemoryChatStore()],
  ['RedisChatStore', () => new RedisChatStore(new Redis(REDIS_URL), `onda-test-${randomUUID().slice(0, 8)}`)],
];

describe.each(stores)('%s', (_name, make) => {
  const sut = make();
  afterAll(() => sut.close());

  it('is unloaded until loaded, and a second load changes nothing', async () => {
    const ch = randomUUID();
    expect(await sut.view(ch, 'a:x', Date.now())).toBeNull();
    expect(await sut.loaded(ch)).toBe(false);
    expect(await gate(sut, ch, 'a:x', Date.now())).toMatchObject({ ok: false, reason: 'unloaded' });
    const first = message(ch, 'a:x', 'hello');
    await sut.load(ch, snapshot({ recent: [first] }));
    expect(await sut.loaded(ch)).toBe(true);
    await sut.load(ch, snapshot({ settings: { ...DEFAULT_CHAT_SETTINGS, slowModeSeconds: 9 }, recent: [] }));
    const view = await sut.view(ch, 'a:x', Date.now());
    expect(view).toMatchObject({ settings: { slowModeSeconds: 0 }, pinned: null, poll: null, ban: undefined, vote: null });
    expect(view!.recent).toEqual([first]);
  });

  it('gates bans, timeouts, registered-only, the author rate limit and slow mode', async () => {
    const ch = randomUUID();
    const now = 1_800_000_000_000;
    await sut.load(ch, snapshot({ bans: [{ authorKey: 'a:banned', until: null }, { authorKey: 'a:muted', until: now + 5000 }] }));
    expect(await gate(sut, ch, 'a:banned', now)).toMatchObject({ ok: false, reason: 'banned' });
    expect(await gate(sut, ch, 'a:muted', now)).toEqual({ ok: false, reason: 'timeout', retryAfterMs: 5000 });
    expect(await gate(sut, ch, 'a:muted', now + 5000)).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) expect(await gate(sut, ch, 'a:fast', now + i)).toMatchObject({ ok: true });
    expect(await gate(sut, ch, 'a:fast', now + 3)).toEqual({ ok: false, reason: 'rate_limited', retryAfterMs: 9997 });
    expect(await gate(sut, ch, 'a:fast', now + 10_001)).toMatchObject({ ok: true });

    await sut.setSettings(ch, { ...DEFAULT_CHAT_SETTINGS, slowModeSeconds: 2, registeredOnly: true });
    expect(await gate(sut, ch, 'a:anon', now)).toMatchObject({ ok: false, reason: 'registered_only' });
    expect(await gate(sut, ch, 'u:1', now, { registered: true })).toMatchObject({ ok: true, settings: { slowModeSeconds: 2 } });
    expect(await gate(sut, ch, 'u:1', now + 500, { registered: true })).toEqual({ ok: false, reason: 'slow_mode', retryAfterMs: 1500 });
    expect(await gate(sut, ch, 'u:1', now + 2000, { registered: true })).toMatchObject({ ok: true });
    expect(await gate(sut, ch, 'u:mod', now, { registered: true, moderator: true })).toMatchObject({ ok: true });
    expect(await gate(sut, ch, 'u:mod', now + 1, { registered: true, moderator: true })).toMatchObject({ ok: true });

    await sut.setBan(ch, 'u:1', null);
    expect(await gate(sut, ch, 'u:1', now + 9000, { registered: true })).toMatchObject({ ok: false, reason: 'banned' });
    await sut.clearBan(ch, 'u:1');
    expect(await gate(sut, ch, 'u:1', now + 9000, { registered: true })).toMatchObject({ ok: true });
  });

  it('keeps recent messages newest first, removes by id and purges by author', async () => {
    const ch = randomUUID();
    await sut.load(ch, snapshot());
    const tricky = message(ch, 'a:bob', '"author":{"key":"a:eve"} {"id":"x"}');
    const msgs = [message(ch, 'a:eve', 'one'), tricky, message(ch, 'a:eve', 'three'), message(ch, 'a:bob', 'four')];
    for (const m of msgs) await sut.pushRecent(ch, m);
    expect((await sut.view(ch, 'a:x', Date.now()))!.recent.map((m) => m.text)).toEqual(['four', 'three', tricky.text, 'one']);
    expect(await sut.findRecent(ch, msgs[2]!.id)).toEqual(msgs[2]);
    expect(await sut.removeRecent(ch, [msgs[3]!.id])).toBe(1);
    expect(await sut.purgeRecent(ch, 'a:eve')).toBe(2);
    expect((await sut.view(ch, 'a:x', Date.now()))!.recent).toEqual([tricky]);
  });

  it('takes one vote per voter while the poll is open', async () => {
    const ch = randomUUID();
    const poll: OpenPoll = { id: randomUUID(), channelId: ch, question: 'q', options: ['a', 'b', 'c'], createdAt: new Date().toISOString(), closesAt: null, closesAtMs: 0 };
    await sut.load(ch, snapshot({ poll, votes: [['a:old', 2]] }));
    expect(await sut.vote(ch, poll.id, 'a:1', 1, Date.now())).toMatchObject({ status: 'ok' });
    expect(await sut.vote(ch, poll.id, 'a:1', 0, Date.now())).toMatchObject({ status: 'duplicate' });
    expect(await sut.vote(ch, poll.id, 'a:old', 0, Date.now())).toMatchObject({ status: 'duplicate' });
    expect(await sut.vote(ch, poll.id, 'a:2', 7, Date.now())).toMatchObject({ status: 'invalid' });
    expect(await sut.vote(ch, randomUUID(), 'a:3', 0, Date.now())).toMatchObject({ status: 'closed' });
    expect(await sut.pollCounts(ch, poll.id, 3)).toEqual([0, 1, 1]);
    expect(await sut.view(ch, 'a:1', Date.now())).toMatchObject({ poll, pollCounts: [0, 1, 1], vote: 1 });
    await sut.setPoll(ch, { ...poll, closesAtMs: 1000 });
    expect(await sut.vote(ch, poll.id, 'a:4', 0, 2000)).toMatchObject({ status: 'closed' });
  });

  it('counts one reaction per emote per author on recent messages only', async () => {
    const ch = randomUUID();
    await sut.load(ch, snapshot());
    const m = message(ch, 'a:x', 'hi');
    await sut.pushRecent(ch, m);
    expect(await sut.react(ch, m.id, 'like', 'a:1')).toEqual({ counts: { like: 1 }, added: true });
    expect(await sut.react(ch, m.id, 'like', 'a:1')).toEqual({ counts: { like: 1 }, added: false });
    expect(await sut.react(ch, m.id, 'wow', 'a:1')).toEqual({ counts: { like: 1, wow: 1 }, added: true });
    expect(await sut.react(ch, randomUUID(), 'like', 'a:1')).toBeNull();
    expect((await sut.reactions(ch, [m.id, 'other'])).get(m.id)).toEqual({ like: 1, wow: 1 });
  });

  it('sums the viewer counts other nodes reported recently', async () => {
    const ch = randomUUID();
    await sut.reportViewers('node-a', [[ch, 3]], 10_000);
    await sut.reportViewers('node-b', [[ch, 4]], 10_000);
    await sut.reportViewers('node-c', [[ch, 100]], 1_000);
    expect((await sut.otherViewers([ch], 'node-a', 11_000, 5000)).get(ch)).toBe(4);
    await sut.reportViewers('node-b', [[ch, 0]], 11_000);
    expect((await sut.otherViewers([ch], 'node-a', 11_000, 5000)).get(ch)).toBe(0);
  });

  it('keeps the pinned message and open poll only for loaded rooms', async () => {
    const ch = randomUUID();
    const m = message(ch, 'a:x', 'pin me');
    await sut.setPinned(ch, m);
    expect(await sut.pinned(ch)).toBeNull();
    await sut.load(ch, snapshot());
    await sut.setPinned(ch, m);
    expect(await sut.pinned(ch)).toEqual(m);
    await sut.setPinned(ch, null);
    expect(await sut.pinned(ch)).toBeNull();
  });
});
