import type { ChatLanguage } from '@onda/contracts';
import type { TranslateProvider, TranslationConfig } from '@onda/config';
import { outboundRequest, outboundUrlProblem, type OutboundOptions, type OutboundResult } from '@onda/outbound';

/** Texts of one language to translate into another, in order. */
export interface TranslationRequest {
  source: ChatLanguage;
  target: ChatLanguage;
  texts: string[];
}

/** The translations in the request's order, or why there are none (detail-free: it may reach logs). */
export type TranslationResult = { ok: true; texts: string[] } | { ok: false; reason: 'invalid_url' | 'unreachable' | 'timeout' | 'too_large' | 'http' | 'bad_response'; detail: string };

/** One machine-translation service behind its HTTP API. */
export interface TranslationProvider {
  readonly name: TranslateProvider;
  /** Most texts one `translate` call takes (the translator splits larger batches). */
  readonly maxBatch: number;
  translate(request: TranslationRequest): Promise<TranslationResult>;
}

/** How a provider is reached: the outbound guard (always, in production) or a recorder in contract tests. */
export type ProviderTransport = (url: string, options: OutboundOptions) => Promise<OutboundResult>;

export interface ProviderOptions {
  /** OUTBOUND_ALLOW_PRIVATE: the provider may be on loopback or a private network (a self-hosted LibreTranslate, the e2e fake). */
  allowPrivate: boolean;
  transport?: ProviderTransport;
}

/** Where each provider's translate endpoint is unless TRANSLATE_URL says otherwise (LibreTranslate is self-hosted: no default). */
export const DEFAULT_PROVIDER_URLS: Record<Exclude<TranslateProvider, 'libretranslate'>, string> = {
  deepl: 'https://api.deepl.com/v2/translate',
  google: 'https://translation.googleapis.com/language/translate/v2',
  papago: 'https://papago.apigw.ntruss.com/nmt/v1/translation',
};
/** DeepL API Free keys end in `:fx` and have their own host. */
const DEEPL_FREE_URL = 'https://api-free.deepl.com/v2/translate';
const MAX_REPLY_BYTES = 256 * 1024;

/** The endpoint a configuration calls. */
export function providerUrl(config: Pick<TranslationConfig, 'provider' | 'url' | 'apiKey'>): string {
  if (config.url) return config.url;
  if (config.provider === 'libretranslate') throw new Error('TRANSLATE_URL is required with TRANSLATE_PROVIDER=libretranslate');
  if (config.provider === 'deepl' && config.apiKey?.endsWith(':fx')) return DEEPL_FREE_URL;
  return DEFAULT_PROVIDER_URLS[config.provider];
}

/** Posts JSON through the transport and reads a JSON answer; every failure is a TranslationResult, never a throw. */
async function postJson(send: ProviderTransport, url: string, headers: Record<string, string>, body: unknown, config: TranslationConfig, allowPrivate: boolean): Promise<{ ok: true; json: unknown } | Extract<TranslationResult, { ok: false }>> {
  const res = await send(url, {
    method: 'POST',
    headers: { accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    allowPrivate,
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.timeoutMs,
    maxResponseBytes: MAX_REPLY_BYTES,
  });
  if (!res.ok) return { ok: false, reason: res.reason, detail: res.reason };
  if (res.status < 200 || res.status >= 300) return { ok: false, reason: 'http', detail: `HTTP ${res.status}` };
  try {
    return { ok: true, json: JSON.parse(res.body.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'bad_response', detail: 'the answer is not JSON' };
  }
}

const bad = (detail: string): TranslationResult => ({ ok: false, reason: 'bad_response', detail });
const allStrings = (value: unknown, n: number): value is string[] => Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'string');

/**
 * LibreTranslate (and compatible servers): `POST /translate {q, source, target, format: "text", api_key?}`. `q` is sent
 * as an array (one request per batch), answered by `translatedText` as an array; a server that only takes one text
 * answers a string, accepted for a batch of one.
 */
class LibreTranslateProvider implements TranslationProvider {
  readonly name = 'libretranslate' as const;
  readonly maxBatch = 25;
  constructor(private readonly config: TranslationConfig, private readonly url: string, private readonly opts: Required<ProviderOptions>) {}

  async translate({ source, target, texts }: TranslationRequest): Promise<TranslationResult> {
    const body = { q: texts, source, target, format: 'text', ...(this.config.apiKey ? { api_key: this.config.apiKey } : {}) };
    const res = await postJson(this.opts.transport, this.url, { 'content-type': 'application/json' }, body, this.config, this.opts.allowPrivate);
    if (!res.ok) return res;
    const out = (res.json as { translatedText?: unknown } | null)?.translatedText;
    if (allStrings(out, texts.length)) return { ok: true, texts: out };
    if (typeof out === 'string' && texts.length === 1) return { ok: true, texts: [out] };
    return bad('no translatedText for every text');
  }
}

/** DeepL API v2: `POST /v2/translate {text: [...], source_lang, target_lang}` with `Authorization: DeepL-Auth-Key`. */
class DeepLProvider implements TranslationProvider {
  readonly name = 'deepl' as const;
  /** DeepL takes at most 50 texts per request. */
  readonly maxBatch = 50;
  constructor(private readonly config: TranslationConfig, private readonly url: string, private readonly opts: Required<ProviderOptions>) {}

  async translate({ source, target, texts }: TranslationRequest): Promise<TranslationResult> {
    // Target English needs a variant (plain EN is deprecated as a target); sources have none.
    const body = { text: texts, source_lang: source.toUpperCase(), target_lang: target === 'en' ? 'EN-US' : target.toUpperCase() };
    const headers = { authorization: `DeepL-Auth-Key ${this.config.apiKey ?? ''}`, 'content-type': 'application/json' };
    const res = await postJson(this.opts.transport, this.url, headers, body, this.config, this.opts.allowPrivate);
    if (!res.ok) return res;
    const list = (res.json as { translations?: unknown } | null)?.translations;
    const out = Array.isArray(list) ? list.map((t: { text?: unknown } | null) => t?.text) : null;
    return allStrings(out, texts.length) ? { ok: true, texts: out } : bad('no translation for every text');
  }
}

/** Google Cloud Translation Basic (v2): `POST .../language/translate/v2 {q: [...], source, target, format: "text"}`, API key in `x-goog-api-key`. */
class GoogleProvider implements TranslationProvider {
  readonly name = 'google' as const;
  /** v2 takes up to 128 segments per request; chat batches stay well under it. */
  readonly maxBatch = 50;
  constructor(private readonly config: TranslationConfig, private readonly url: string, private readonly opts: Required<ProviderOptions>) {}

  async translate({ source, target, texts }: TranslationRequest): Promise<TranslationResult> {
    // The key goes in a header rather than `?key=`, so it never sits in a URL (proxies and logs keep URLs).
    const headers = { 'content-type': 'application/json; charset=utf-8', 'x-goog-api-key': this.config.apiKey ?? '' };
    const res = await postJson(this.opts.transport, this.url, headers, { q: texts, source, target, format: 'text' }, this.config, this.opts.allowPrivate);
    if (!res.ok) return res;
    const list = (res.json as { data?: { translations?: unknown } } | null)?.data?.translations;
    const out = Array.isArray(list) ? list.map((t: { translatedText?: unknown } | null) => t?.translatedText) : null;
    return allStrings(out, texts.length) ? { ok: true, texts: out } : bad('no translatedText for every text');
  }
}

/**
 * Papago Text Translation (Naver Cloud): `POST /nmt/v1/translation {source, target, text}` with the client id and secret
 * in `X-NCP-APIGW-API-KEY-ID` / `X-NCP-APIGW-API-KEY`; one text per request, so a batch is that many requests at once.
 */
class PapagoProvider implements TranslationProvider {
  readonly name = 'papago' as const;
  readonly maxBatch = 10;
  private readonly headers: Record<string, string>;
  constructor(private readonly config: TranslationConfig, private readonly url: string, private readonly opts: Required<ProviderOptions>) {
    const key = config.apiKey ?? '';
    const at = key.indexOf(':');
    this.headers = { 'x-ncp-apigw-api-key-id': key.slice(0, at), 'x-ncp-apigw-api-key': key.slice(at + 1), 'content-type': 'application/json' };
  }

  async translate({ source, target, texts }: TranslationRequest): Promise<TranslationResult> {
    const results = await Promise.all(texts.map((text) => this.one(source, target, text)));
    const failed = results.find((r) => !r.ok);
    if (failed) return failed;
    return { ok: true, texts: results.map((r) => (r as { texts: string[] }).texts[0]!) };
  }

  private async one(source: string, target: string, text: string): Promise<TranslationResult> {
    const res = await postJson(this.opts.transport, this.url, this.headers, { source, target, text }, this.config, this.opts.allowPrivate);
    if (!res.ok) return res;
    const out = (res.json as { message?: { result?: { translatedText?: unknown } } } | null)?.message?.result?.translatedText;
    return typeof out === 'string' ? { ok: true, texts: [out] } : bad('no message.result.translatedText');
  }
}

/**
 * The configured provider. Its URL is checked like every outbound URL (a refusal here stops the API at start with the
 * reason, instead of every translation failing later); the guard checks the resolved address again on every call.
 */
export function createTranslationProvider(config: TranslationConfig, options: ProviderOptions): TranslationProvider {
  const url = providerUrl(config);
  const problem = outboundUrlProblem(url, options.allowPrivate);
  if (problem) throw new Error(`TRANSLATE_URL ${problem}${options.allowPrivate ? '' : ' (OUTBOUND_ALLOW_PRIVATE=true lets it reach a private address)'}`);
  const opts: Required<ProviderOptions> = { allowPrivate: options.allowPrivate, transport: options.transport ?? outboundRequest };
  switch (config.provider) {
    case 'libretranslate':
      return new LibreTranslateProvider(config, url, opts);
    case 'deepl':
      return new DeepLProvider(config, url, opts);
    case 'google':
      return new GoogleProvider(config, url, opts);
    case 'papago':
      return new PapagoProvider(config, url, opts);
  }
}
