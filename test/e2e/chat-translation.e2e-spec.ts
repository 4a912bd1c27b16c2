import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot } from '@onda/testing';
import { startEmbedded, type Platform } from './support/platform.js';

const shotsDir = process.env.CHAT_SHOTS_DIR ?? '/tmp/shots';
const wait = { timeout: 20_000, interval: 100 };

/** What the fake translation server knows; anything else comes back as `[target] text`. */
const DICTIONARY: Record<string, string> = {
  'ko>en:안녕하세요 여러분, 오늘 방송 재밌어요': 'Hello everyone, today’s stream is fun',
  'en>ko:Good evening from London': '런던에서 좋은 저녁입니다',
};

/**
 * A LibreTranslate-compatible server (POST /translate, `{q, source, target, format}` with `q` a string or an array,
 * answered by `translatedText` in kind), on loopback: the platform reaches it only because this test sets
 * OUTBOUND_ALLOW_PRIVATE, the operator's opt-in that webhook and simulcast e2e tests use for their local receivers.
 */
class FakeLibreTranslate {
  readonly requests: Array<{ q: string | string[]; source: string; target: string; format?: string }> = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/translate') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { q: string | string[]; source: string; target: string; format?: string };
    this.requests.push(body);
    const one = (q: string) => DICTIONARY[`${body.source}>${body.target}:${q}`] ?? `[${body.target}] ${q}`;
    const translatedText = Array.isArray(body.q) ? body.q.map(one) : one(body.q);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ translatedText }));
  }
}

/**
 * Chat translation through real parts: `onda all` configured with TRANSLATE_PROVIDER=libretranslate pointing at the
 * fake above, the built web app, two viewers in Chromium (a Korean one on a phone, an English one on a desktop), each
 * picking its language in the chat panel. Each sees the other's message translated under the original; with the
 * provider stopped, messages still arrive, untranslated.
 */
describe('chat translation (LibreTranslate-compatible provider)', () => {
  let platform: Platform;
  let browser: Browser;
  const provider = new FakeLibreTranslate();
  const contexts: BrowserContext[] = [];
  const slug = 'e2e-translate';

  beforeAll(async () => {
    await provider.start();
    platform = await startEmbedded({
      env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: `http://127.0.0.1:${provider.port}/translate`, TRANSLATE_TIMEOUT_MS: '1500', OUTBOUND_ALLOW_PRIVATE: 'true' },
    });
    browser = await launchChromium();
    const res = await fetch(`${platform.apiUrl}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug, title: '번역 채팅 채널' }),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    await provider.stop();
  });

  async function viewer(language: 'ko' | 'en', phone: boolean, nickname: string): Promise<Page> {
    const context = await browser.newContext(
      phone
        ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ko-KR' }
        : { viewport: { width: 1360, height: 820 }, locale: language === 'ko' ? 'ko-KR' : 'en-US' },
    );
    contexts.push(context);
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    const page = await context.newPage();
    await page.goto(`${platform.apiUrl}/c/${slug}`);
    const input = page.getByTestId('nickname-input');
    await input.fill(nickname);
    await input.press('Enter');
    await page.getByTestId('chat-input').waitFor(wait);
    return page;
  }

  const row = (page: Page, text: string): Locator => page.getByTestId('chat-message').filter({ has: page.getByTestId('chat-text').getByText(text, { exact: true }) });

  async function send(page: Page, text: string): Promise<void> {
    const input = page.getByTestId('chat-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => input.inputValue(), wait).toBe('');
  }

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name);

  it('a Korean and an English viewer each read the other translated under the original; a stopped provider leaves the originals', async () => {
    const korean = await viewer('ko', true, '서울시청자');
    const english = await viewer('en', false, 'london_viewer');

    // The picker names each language in itself; the Korean page says "번역 안 함" for off.
    const koPicker = korean.getByTestId('chat-translate');
    expect(await koPicker.locator('option').allTextContents()).toEqual(['번역 안 함', '한국어', 'English']);
    await koPicker.selectOption('ko');
    await english.getByTestId('chat-translate').selectOption('en');

    await send(korean, '안녕하세요 여러분, 오늘 방송 재밌어요');
    const onEnglish = row(english, '안녕하세요 여러분, 오늘 방송 재밌어요');
    await onEnglish.getByTestId('chat-translation').waitFor(wait);
    expect(await onEnglish.getByTestId('chat-translation').textContent()).toBe('Machine translation Hello everyone, today’s stream is fun');
    expect(await onEnglish.getByTestId('chat-translation').getAttribute('lang')).toBe('en');

    await send(english, 'Good evening from London');
    const onKorean = row(korean, 'Good evening from London');
    await onKorean.getByTestId('chat-translation').waitFor(wait);
    expect(await onKorean.getByTestId('chat-translation').textContent()).toBe('기계 번역 런던에서 좋은 저녁입니다');
    // Nobody is shown a translation of a message in their own language.
    expect(await row(korean, '안녕하세요 여러분, 오늘 방송 재밌어요').getByTestId('chat-translation').count()).toBe(0);
    expect(await row(english, 'Good evening from London').getByTestId('chat-translation').count()).toBe(0);
    // One request per message and direction, in the documented shape.
    expect(provider.requests).toEqual([
      { q: ['안녕하세요 여러분, 오늘 방송 재밌어요'], source: 'ko', target: 'en', format: 'text' },
      { q: ['Good evening from London'], source: 'en', target: 'ko', format: 'text' },
    ]);
    // The phone layout keeps the picker and the translation inside the screen.
    const box = await koPicker.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await shot(korean, 'chat-translation-ko-phone');
    await shot(english, 'chat-translation-en');

    // The provider goes away: messages keep flowing at once, untranslated.
    await provider.stop();
    await send(korean, '번역 서버가 꺼져도 원문은 보여요');
    const untranslated = row(english, '번역 서버가 꺼져도 원문은 보여요');
    await untranslated.waitFor(wait);
    await english.waitForTimeout(2500);
    expect(await untranslated.getByTestId('chat-translation').count()).toBe(0);
    expect(await english.getByTestId('chat-panel').getAttribute('data-status')).toBe('joined');
    // Earlier translations stay.
    expect(await onEnglish.getByTestId('chat-translation').count()).toBe(1);
  });
});
