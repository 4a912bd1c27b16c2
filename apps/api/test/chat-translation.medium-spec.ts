import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatJoined, ChatLanguageSet, ChatSent } from '@onda/contracts';
import { createChannel, createTestDatabase, type TestDatabase } from '@onda/db';
import type { OutboundOptions, OutboundResult } from '@onda/outbound';
import type { ApiOptions } from '../src/index.js';
import { ChatTestClient, closeChatSuite, startChatApi, userWithToken } from './chat.support.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A LibreTranslate stand-in behind the adapter's transport: `[target] text`, every request recorded. */
function fakeLibreTranslate() {
  const requests: Array<{ q: string[]; source: string; target: string }> = [];
  const transport = (_url: string, options: OutboundOptions): Promise<OutboundResult> => {
    const body = JSON.parse(String(options.body)) as { q: string[]; source: string; target: string };
    requests.push(body);
    return Promise.resolve({ ok: true, status: 200, headers: {}, body: Buffer.from(JSON.stringify({ translatedText: body.q.map((q) => `[${body.target}] ${q}`) })) });
  };
  return { requests, transport };
}

const translation = (extra: Partial<NonNullable<ApiOptions['translation']>> = {}): NonNullable<ApiOptions['translation']> => ({
  provider: 'libretranslate',
  url: 'https://translate.example.com/translate',
  budgetCharsPerHour: 100_000,
  requestsPerMinute: 600,
  timeoutMs: 2000,
  tuning: { batchMs: 30 },
  ...extra,
});

describe('chat translation through the gateway (two API nodes, real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let nodeA: Awaited<ReturnType<typeof startChatApi>>;
  let nodeB: Awaited<ReturnType<typeof startChatApi>>;
  let plain: Awaited<ReturnType<typeof startChatApi>>;
  let owner: { id: string; token: string };
  const provider = fakeLibreTranslate();
  const clients: ChatTestClient[] = [];

  const joinAt = async (node: typeof nodeA, slug: string, nickname: string, lang?: 'ko' | 'en') => {
    const c = await ChatTestClient.connect(node.sut.url);
    clients.push(c);
    const joined = await c.ok<ChatJoined>('join', { channel: slug, nickname, ...(lang ? { lang } : {}) });
    return { c, joined };
  };
  const translations = (c: ChatTestClient) => c.items.flatMap((i) => (i.type === 'translation' ? [{ messageId: i.messageId, lang: i.lang, text: i.text }] : []));

  beforeAll(async () => {
    db = await createTestDatabase();
    const queuePrefix = `onda-test-${randomBytes(4).toString('hex')}`;
    nodeA = await startChatApi(db, { redisUrl: REDIS_URL, queuePrefix, translation: translation({ transport: provider.transport }) });
    nodeB = await startChatApi(db, { redisUrl: REDIS_URL, queuePrefix, translation: translation({ transport: provider.transport }) });
    plain = await startChatApi(db);
    owner = await userWithToken(db.prisma, 'admin', ['*'], 'Owner');
  });

  afterAll(async () => {
    await closeChatSuite(clients, [nodeA, nodeB, plain], db);
  });

  it('translates each message into the languages viewers asked for, on whichever node they are, once per (message, language)', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const { c: korean, joined } = await joinAt(nodeA, ch.slug, '한국 시청자', 'ko');
    expect(joined.translation).toEqual({ enabled: true, languages: ['ko', 'en'] });
    const { c: english } = await joinAt(nodeB, ch.slug, 'english viewer', 'en');
    // Node A learns of node B's English viewer on the viewer-count beat (150 ms here, 2 s by default).
    await new Promise((r) => setTimeout(r, 600));

    const ko = await korean.ok<ChatSent>('send', { text: '안녕하세요 여러분' });
    const en = await english.ok<ChatSent>('send', { text: 'hello from London' });
    await english.until(() => translations(english).some((t) => t.messageId === ko.id));
    await korean.until(() => translations(korean).some((t) => t.messageId === en.id));
    // Every viewer gets every translation (tagged by language; the page shows its own).
    expect(translations(english)).toEqual(expect.arrayContaining([{ messageId: ko.id, lang: 'en', text: '[en] 안녕하세요 여러분' }, { messageId: en.id, lang: 'ko', text: '[ko] hello from London' }]));
    // The message items carry the detected language.
    expect(english.items.find((i) => i.type === 'message' && i.message.id === ko.id)).toMatchObject({ message: { lang: 'ko' } });
    const sentToProvider = provider.requests.flatMap((r) => r.q);
    expect(sentToProvider.filter((q) => q === '안녕하세요 여러분')).toHaveLength(1);
    expect(provider.requests).toEqual(expect.arrayContaining([{ q: ['안녕하세요 여러분'], source: 'ko', target: 'en', format: 'text' }]));

    // A late English viewer finds the Korean message's translation in its join answer, from the shared cache.
    const before = provider.requests.length;
    const { joined: late } = await joinAt(nodeB, ch.slug, 'late viewer', 'en');
    expect(late.translations).toEqual([{ messageId: ko.id, lang: 'en', text: '[en] 안녕하세요 여러분' }]);
    expect(provider.requests.length).toBe(before);
  });

  it('a viewer switching language gets the known translations of recent messages and the rest as they come', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const { c: writer } = await joinAt(nodeA, ch.slug, 'writer');
    const { c: reader } = await joinAt(nodeB, ch.slug, 'reader');
    const sent = await writer.ok<ChatSent>('send', { text: '번역 없이 보낸 메시지' });
    await reader.until(() => reader.messages().includes('번역 없이 보낸 메시지'));
    // Nobody wanted English then: nothing was translated.
    expect(provider.requests.flatMap((r) => r.q)).not.toContain('번역 없이 보낸 메시지');

    const set = await reader.ok<ChatLanguageSet>('language', { lang: 'en' });
    expect(set).toEqual({ lang: 'en', translations: [] });
    await reader.until(() => translations(reader).some((t) => t.messageId === sent.id && t.text === '[en] 번역 없이 보낸 메시지'));
    // Switching back and forth answers from the cache.
    await reader.ok('language', { lang: null });
    expect(await reader.ok<ChatLanguageSet>('language', { lang: 'en' })).toEqual({ lang: 'en', translations: [{ messageId: sent.id, lang: 'en', text: '[en] 번역 없이 보낸 메시지' }] });
    expect(await reader.emit('language', { lang: 'ja' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('is off without a provider: the join says so and asking for a language is refused', async () => {
    const ch = await createChannel(db.prisma, owner.id);
    const { c, joined } = await joinAt(plain, ch.slug, 'plain viewer', 'en');
    expect(joined.translation).toEqual({ enabled: false, languages: [] });
    expect(joined.translations).toBeUndefined();
    expect(await c.emit('language', { lang: 'en' })).toMatchObject({ ok: false, error: { code: 'unprocessable' } });
    const sent = await c.ok<ChatSent>('send', { text: '안녕' });
    await c.until(() => c.messages().includes('안녕'));
    expect(c.items.find((i) => i.type === 'message' && i.message.id === sent.id)).not.toHaveProperty('message.lang');
  });
});

describe('chat translation with a provider that hangs (real outbound guard, loopback allowed by OUTBOUND_ALLOW_PRIVATE)', () => {
  let db: TestDatabase;
  let node: Awaited<ReturnType<typeof startChatApi>>;
  let hanging: Server;
  let asked = 0;
  const clients: ChatTestClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    hanging = createServer(() => {
      asked += 1; // and never answers
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/translate`;
    node = await startChatApi(db, { outboundAllowPrivate: true, translation: translation({ url, timeoutMs: 500 }) });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.close();
    hanging.closeAllConnections();
    hanging.close();
    await db?.drop();
  });

  it('delivers the original at once, never a translation, and the provider is given up on', async () => {
    const owner = await userWithToken(db.prisma, 'admin', ['*'], 'Owner');
    const ch = await createChannel(db.prisma, owner.id);
    const english = await ChatTestClient.connect(node.sut.url);
    const korean = await ChatTestClient.connect(node.sut.url);
    clients.push(english, korean);
    await english.ok('join', { channel: ch.slug, nickname: 'english', lang: 'en' });
    await korean.ok('join', { channel: ch.slug, nickname: '한국어', lang: 'ko' });
    const started = Date.now();
    await korean.ok<ChatSent>('send', { text: '번역이 안 돼도 보여요' });
    await english.until(() => english.messages().includes('번역이 안 돼도 보여요'));
    expect(Date.now() - started).toBeLessThan(400);
    await new Promise((r) => setTimeout(r, 1200));
    expect(asked).toBe(1);
    expect(english.items.filter((i) => i.type === 'translation')).toEqual([]);
  });
});
