import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranslationConfig } from '@onda/config';
import { outboundRequest, type OutboundOptions, type OutboundResult } from '@onda/outbound';
import { createTranslationProvider, providerUrl, type ProviderTransport, type TranslationRequest } from './translation-providers.js';

/**
 * Contract tests: each adapter against an exchange recorded from its provider's public API documentation
 * (fixtures/<provider>.json names the page). The adapter must send exactly the documented request and read the
 * documented answer.
 */
interface Exchange {
  config: TranslationConfig;
  call: TranslationRequest;
  request: { url: string; method: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
  expected: string[];
}

const exchange = (name: string): Exchange => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Exchange;

interface Sent {
  url: string;
  options: OutboundOptions;
}

/** Records what the adapter sends and answers with `reply` (one per call, the last one repeated). */
function recorder(...replies: Array<Exchange['response']>): { transport: ProviderTransport; sent: Sent[] } {
  const sent: Sent[] = [];
  const transport: ProviderTransport = (url, options) => {
    const reply = replies[Math.min(sent.length, replies.length - 1)]!;
    sent.push({ url, options });
    return Promise.resolve({ ok: true, status: reply.status, headers: reply.headers, body: Buffer.from(JSON.stringify(reply.body)) } satisfies OutboundResult);
  };
  return { transport, sent };
}

const bodyOf = (sent: Sent): unknown => JSON.parse(String(sent.options.body));

describe('translation provider adapters (recorded exchanges)', () => {
  for (const name of ['libretranslate', 'deepl', 'google', 'papago']) {
    it(`${name}: sends the documented request and reads the documented answer`, async () => {
      const ex = exchange(name);
      const { transport, sent } = recorder(ex.response);
      const sut = createTranslationProvider(ex.config, { allowPrivate: false, transport });
      expect(sut.name).toBe(name);

      const result = await sut.translate(ex.call);

      expect(result).toEqual({ ok: true, texts: ex.expected });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.url).toBe(ex.request.url);
      expect(sent[0]!.options.method).toBe(ex.request.method);
      expect(sent[0]!.options.headers).toEqual(ex.request.headers);
      expect(bodyOf(sent[0]!)).toEqual(ex.request.body);
      // Through the guard's rules: no private addresses unless the operator allowed them, bounded time and size.
      expect(sent[0]!.options).toMatchObject({ allowPrivate: false, timeoutMs: ex.config.timeoutMs, connectTimeoutMs: ex.config.timeoutMs });
      expect(sent[0]!.options.maxResponseBytes).toBeGreaterThan(0);
    });
  }

  it('papago: one documented request per text (its API takes one text), answers in order', async () => {
    const ex = exchange('papago');
    const second = { ...ex.response, body: { message: { result: { srcLangType: 'ko', tarLangType: 'en', translatedText: 'See you tomorrow.' } } } };
    const { transport, sent } = recorder(ex.response, second);
    const sut = createTranslationProvider(ex.config, { allowPrivate: false, transport });

    const result = await sut.translate({ source: 'ko', target: 'en', texts: ['만나서 반갑습니다.', '내일 봐요.'] });

    expect(result).toEqual({ ok: true, texts: ['Nice to meet you.', 'See you tomorrow.'] });
    expect(sent.map(bodyOf)).toEqual([
      { source: 'ko', target: 'en', text: '만나서 반갑습니다.' },
      { source: 'ko', target: 'en', text: '내일 봐요.' },
    ]);
  });

  it('deepl: a Pro key goes to api.deepl.com and English targets name a variant', async () => {
    const ex = exchange('deepl');
    const { transport, sent } = recorder({ status: 200, headers: {}, body: { translations: [{ detected_source_language: 'KO', text: 'Hello' }] } });
    const sut = createTranslationProvider({ ...ex.config, apiKey: 'pro-key' }, { allowPrivate: false, transport });

    expect(await sut.translate({ source: 'ko', target: 'en', texts: ['안녕'] })).toEqual({ ok: true, texts: ['Hello'] });
    expect(sent[0]!.url).toBe('https://api.deepl.com/v2/translate');
    expect(bodyOf(sent[0]!)).toEqual({ text: ['안녕'], source_lang: 'KO', target_lang: 'EN-US' });
  });

  it('libretranslate: a server that takes one text at a time may answer a string; no api_key field without a key', async () => {
    const ex = exchange('libretranslate');
    const { transport, sent } = recorder({ status: 200, headers: {}, body: { translatedText: '¡Hola!' } });
    const sut = createTranslationProvider({ ...ex.config, apiKey: undefined }, { allowPrivate: false, transport });

    expect(await sut.translate({ source: 'en', target: 'ko', texts: ['Hello!'] })).toEqual({ ok: true, texts: ['¡Hola!'] });
    expect(bodyOf(sent[0]!)).toEqual({ q: ['Hello!'], source: 'en', target: 'ko', format: 'text' });
  });

  it('answers that do not match the documented shape, HTTP errors and guard refusals are failures, never throws', async () => {
    const cases: Array<[string, OutboundResult, string]> = [
      ['deepl', { ok: true, status: 200, headers: {}, body: Buffer.from('{"translations":[]}') }, 'bad_response'],
      ['google', { ok: true, status: 200, headers: {}, body: Buffer.from('not json') }, 'bad_response'],
      ['libretranslate', { ok: true, status: 200, headers: {}, body: Buffer.from('{"translatedText":["only one"]}') }, 'bad_response'],
      ['papago', { ok: true, status: 429, headers: {}, body: Buffer.from('{"errorCode":"429"}') }, 'http'],
      ['google', { ok: false, reason: 'timeout' }, 'timeout'],
      ['deepl', { ok: false, reason: 'unreachable' }, 'unreachable'],
    ];
    for (const [name, reply, reason] of cases) {
      const ex = exchange(name);
      const sut = createTranslationProvider(ex.config, { allowPrivate: false, transport: () => Promise.resolve(reply) });
      const result = await sut.translate({ source: 'ko', target: 'en', texts: ['하나', '둘'] });
      expect(result, name).toMatchObject({ ok: false, reason });
    }
  });
});

describe('translation providers and the outbound guard', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const base: TranslationConfig = { provider: 'libretranslate', url: 'http://127.0.0.1:5000/translate', budgetCharsPerHour: 1000, requestsPerMinute: 60, timeoutMs: 300 };

  it('refuses a provider URL at a private address at start, unless the operator allowed private addresses', () => {
    expect(() => createTranslationProvider(base, { allowPrivate: false })).toThrow(/TRANSLATE_URL must not point at a loopback.*OUTBOUND_ALLOW_PRIVATE/);
    expect(() => createTranslationProvider({ ...base, url: 'http://localhost:5000/translate' }, { allowPrivate: false })).toThrow(/localhost/);
    expect(createTranslationProvider(base, { allowPrivate: true }).name).toBe('libretranslate');
    expect(() => providerUrl({ provider: 'libretranslate' })).toThrow(/TRANSLATE_URL/);
    expect(providerUrl({ provider: 'google', apiKey: 'k' })).toBe('https://translation.googleapis.com/language/translate/v2');
  });

  it('checks the resolved address at every call: a public name that resolves to a private address is refused', async () => {
    let asked = 0;
    server = createServer((_req, res) => {
      asked += 1;
      res.end('{"translatedText":["x"]}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // The URL names a public host (so it passes the check at start); the guard resolves it at the call (here to
    // loopback, as a re-pointed DNS name would) and refuses to connect.
    const guarded = createTranslationProvider({ ...base, url: `http://translate.example.com:${port}/translate` }, {
      allowPrivate: false,
      transport: (url, options) => outboundRequest(url, { ...options, resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) }),
    });
    expect(await guarded.translate({ source: 'ko', target: 'en', texts: ['안녕'] })).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(asked).toBe(0);
  });

  it('a provider that hangs is given up on after TRANSLATE_TIMEOUT_MS', async () => {
    server = createServer(() => undefined); // accepts the request and never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const sut = createTranslationProvider({ ...base, url: `http://127.0.0.1:${port}/translate` }, { allowPrivate: true });
    const started = Date.now();

    const result = await sut.translate({ source: 'ko', target: 'en', texts: ['안녕'] });

    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
    server.closeAllConnections();
  });
});
