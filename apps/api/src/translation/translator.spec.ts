import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatTranslation } from '@onda/contracts';
import { MemoryRateLimiter } from '../common/rate-limit.js';
import { detectLanguage } from './detect-language.js';
import { createTranslationProvider, type TranslationProvider, type TranslationRequest, type TranslationResult } from './translation-providers.js';
import { MemoryTranslationStore } from './translation.store.js';
import { DEFAULT_TRANSLATOR_OPTIONS, Translator, type TranslatorOptions } from './translator.js';

/** A provider that upper-cases (en) or tags (ko) what it gets and records every call. */
class FakeProvider implements TranslationProvider {
  readonly name = 'libretranslate' as const;
  readonly calls: TranslationRequest[] = [];
  answer: (req: TranslationRequest) => Promise<TranslationResult> = (req) => Promise.resolve({ ok: true, texts: req.texts.map((t) => `[${req.target}] ${t}`) });
  constructor(readonly maxBatch = 25) {}
  translate(req: TranslationRequest): Promise<TranslationResult> {
    this.calls.push(req);
    return this.answer(req);
  }
}

function setup(options: Partial<TranslatorOptions> = {}, provider = new FakeProvider(), rate = { limit: 100, windowMs: 60_000 }) {
  const published: Array<[string, ChatTranslation[]]> = [];
  const store = new MemoryTranslationStore();
  const warnings: string[] = [];
  const sut = new Translator(
    { provider, store, limiter: new MemoryRateLimiter(rate), publish: (ch, t) => published.push([ch, t]), warn: (m) => warnings.push(m) },
    { ...DEFAULT_TRANSLATOR_OPTIONS, batchMs: 100, ...options },
  );
  const translations = () => published.flatMap(([, t]) => t);
  return { sut, provider, store, published, translations, warnings };
}

const ko = (id: string, text: string) => ({ id, source: 'ko' as const, text });
const CH = 'c0ffee00-0000-4000-8000-000000000001';

describe(Translator.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('batches the messages of one window per (channel, language pair) into one provider request', async () => {
    const { sut, provider, translations, published } = setup();
    sut.enqueue(CH, 'en', ko('m1', '안녕하세요'));
    sut.enqueue(CH, 'en', ko('m2', '반가워요'));
    sut.enqueue(CH, 'en', ko('m3', '좋아요'));
    sut.enqueue(CH, 'en', ko('m1', '안녕하세요')); // offered twice: translated once
    expect(provider.calls).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(100);

    expect(provider.calls).toEqual([{ source: 'ko', target: 'en', texts: ['안녕하세요', '반가워요', '좋아요'] }]);
    expect(published).toHaveLength(1);
    expect(translations()).toEqual([
      { messageId: 'm1', lang: 'en', text: '[en] 안녕하세요' },
      { messageId: 'm2', lang: 'en', text: '[en] 반가워요' },
      { messageId: 'm3', lang: 'en', text: '[en] 좋아요' },
    ]);
  });

  it('splits a batch larger than the provider takes, and never translates a message into its own language', async () => {
    const { sut, provider } = setup({}, new FakeProvider(2));
    for (let i = 0; i < 5; i += 1) sut.enqueue(CH, 'en', ko(`m${i}`, `메시지 ${i}`));
    sut.enqueue(CH, 'ko', ko('same', '이미 한국어'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(provider.calls.map((c) => c.texts.length)).toEqual([2, 2, 1]);
  });

  it('answers from the cache per (message, language): a message is sent to the provider once per language', async () => {
    const { sut, provider, store, translations } = setup();
    sut.enqueue(CH, 'en', ko('m1', '안녕'));
    await vi.advanceTimersByTimeAsync(100);
    expect(await store.cached(CH, 'en', ['m1'])).toEqual(new Map([['m1', '[en] 안녕']]));

    // Offered again (a viewer switched to English later): published from the cache, no second request.
    sut.enqueue(CH, 'en', ko('m1', '안녕'));
    await vi.advanceTimersByTimeAsync(100);
    expect(provider.calls).toHaveLength(1);
    expect(translations()).toEqual([
      { messageId: 'm1', lang: 'en', text: '[en] 안녕' },
      { messageId: 'm1', lang: 'en', text: '[en] 안녕' },
    ]);
    expect(sut.counters).toMatchObject({ cached: 1, translated: 1, requests: 1 });
  });

  it("spends each channel's hourly character budget: what does not fit is left untranslated, and the next hour starts afresh", async () => {
    vi.setSystemTime(new Date('2026-12-07T10:00:00Z'));
    const { sut, provider, translations } = setup({ budgetCharsPerHour: 10 });
    sut.enqueue(CH, 'en', ko('a', '가나다라마')); // 5
    sut.enqueue(CH, 'en', ko('b', '바사아자차카')); // 6: over
    await vi.advanceTimersByTimeAsync(100);
    expect(provider.calls[0]!.texts).toEqual(['가나다라마']);
    expect(sut.counters.overBudget).toBe(1);

    sut.enqueue(CH, 'en', ko('c', '타파하')); // 3 more fit this hour, another channel has its own budget
    sut.enqueue('other', 'en', ko('d', '바사아자차카'));
    await vi.advanceTimersByTimeAsync(100);
    expect(translations().map((t) => t.messageId).sort()).toEqual(['a', 'c', 'd']);

    vi.setSystemTime(new Date('2026-12-07T11:00:01Z'));
    sut.enqueue(CH, 'en', ko('e', '바사아자차카'));
    await vi.advanceTimersByTimeAsync(100);
    expect(translations().map((t) => t.messageId)).toContain('e');
  });

  it('holds requests to the per-channel rate limit: held messages wait and go together once allowed', async () => {
    const { sut, provider } = setup({}, new FakeProvider(), { limit: 1, windowMs: 60_000 });
    sut.enqueue(CH, 'en', ko('m1', '하나'));
    await vi.advanceTimersByTimeAsync(100);
    sut.enqueue(CH, 'en', ko('m2', '둘'));
    await vi.advanceTimersByTimeAsync(100);
    sut.enqueue(CH, 'en', ko('m3', '셋'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(provider.calls).toHaveLength(1);
    expect(sut.counters.rateLimited).toBeGreaterThanOrEqual(1);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(provider.calls.map((c) => c.texts)).toEqual([['하나'], ['둘', '셋']]);
  });

  it('fails open: a failing provider translates nothing, is left alone for a while, then tried again', async () => {
    const { sut, provider, translations, warnings } = setup({ backoffMs: 2000 });
    provider.answer = () => Promise.resolve({ ok: false, reason: 'http', detail: 'HTTP 503' });
    sut.enqueue(CH, 'en', ko('m1', '하나'));
    await vi.advanceTimersByTimeAsync(100);
    expect(translations()).toEqual([]);
    expect(warnings[0]).toMatch(/failed: HTTP 503; originals shown, next try in 2 s/);

    // During the back-off nothing is sent.
    sut.enqueue(CH, 'en', ko('m2', '둘'));
    await vi.advanceTimersByTimeAsync(100);
    expect(provider.calls).toHaveLength(1);
    expect(sut.counters).toMatchObject({ failed: 1, dropped: 1 });

    provider.answer = (req) => Promise.resolve({ ok: true, texts: req.texts.map(() => 'two') });
    await vi.advanceTimersByTimeAsync(2000);
    sut.enqueue(CH, 'en', ko('m3', '셋'));
    await vi.advanceTimersByTimeAsync(100);
    expect(translations()).toEqual([{ messageId: 'm3', lang: 'en', text: 'two' }]);
  });

  it('a store that fails (Redis down) loses nothing but the translation', async () => {
    const { sut, store, translations, warnings } = setup();
    store.cached = () => Promise.reject(new Error('connection refused'));
    sut.enqueue(CH, 'en', ko('m1', '하나'));
    await vi.advanceTimersByTimeAsync(100);
    expect(translations()).toEqual([]);
    expect(warnings).toEqual(['chat translation failed: connection refused']);
  });
});

describe('Translator with a provider that hangs', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('gives up after the timeout and the original stays the only text (fail open)', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/translate`;
    const provider = createTranslationProvider({ provider: 'libretranslate', url, budgetCharsPerHour: 1000, requestsPerMinute: 60, timeoutMs: 300 }, { allowPrivate: true });
    const { sut, translations, warnings } = setup({ batchMs: 10 }, provider as unknown as FakeProvider);
    sut.enqueue(CH, 'en', ko('m1', '안녕'));
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 3000, interval: 50 });
    expect(warnings[0]).toMatch(/failed: timeout/);
    expect(translations()).toEqual([]);
    sut.close();
  });
});

describe(detectLanguage.name, () => {
  it('reads Korean from Hangul and English from Latin letters, and nothing from emoji or digits', () => {
    expect(detectLanguage('안녕하세요 여러분')).toBe('ko');
    expect(detectLanguage('ㅋㅋㅋㅋ')).toBe('ko');
    expect(detectLanguage('Hello everyone!')).toBe('en');
    expect(detectLanguage('오늘 stream 최고')).toBe('ko');
    expect(detectLanguage('I love 떡볶이 so much')).toBe('en');
    expect(detectLanguage('👏👏 123 !!!')).toBeNull();
    expect(detectLanguage('')).toBeNull();
  });
});

describe(MemoryTranslationStore.name, () => {
  it('sums the other nodes’ fresh language counts and forgets a node that reports nothing', async () => {
    const sut = new MemoryTranslationStore();
    await sut.reportLanguages('a', [[CH, { en: 2 }]], 1000);
    await sut.reportLanguages('b', [[CH, { en: 1, ko: 3 }]], 1000);
    await sut.reportLanguages('old', [[CH, { ko: 9 }]], 0);
    expect(await sut.otherLanguages([CH], 'a', 1500, 1000)).toEqual(new Map([[CH, { en: 1, ko: 3 }]]));
    await sut.reportLanguages('b', [[CH, {}]], 1600);
    expect(await sut.otherLanguages([CH], 'a', 1700, 1000)).toEqual(new Map([[CH, {}]]));
  });
});
