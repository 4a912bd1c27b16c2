import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { apiClient, screenshot, streamKey } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

// Set CONSOLE_SHOTS_DIR to also save a screenshot of every console page in English and Korean.
const shotsDir = process.env.CONSOLE_SHOTS_DIR;

describe('admin console', () => {
  const e2e = platformAndBrowser();
  const slug = 'e2e-console';

  const api = apiClient(() => e2e.platform);
  const apiKey = async (): Promise<string> => (await streamKey(api, slug)).streamKey;

  async function newContext(language: 'en' | 'ko'): Promise<BrowserContext> {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: language === 'ko' ? 'ko-KR' : 'en-US' });
    // 127.0.0.1 is a secure context, so the async clipboard API exists; headless needs the permissions granted.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.platform.apiUrl });
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    return context;
  }

  async function signIn(page: Page, labels: { email: string; password: string; submit: string }): Promise<void> {
    await page.goto(`${e2e.platform.apiUrl}/console`);
    await page.waitForURL(/\/console\/sign-in$/);
    await page.getByLabel(labels.email).fill(E2E_ADMIN.email);
    await page.getByLabel(labels.password).fill(E2E_ADMIN.password);
    await page.getByRole('button', { name: labels.submit }).click();
    await page.waitForURL(/\/console$/);
  }

  it('signs in, creates a channel through the form, copies its stream key and rotates it', async () => {
    const context = await newContext('en');
    const page = await context.newPage();
    try {
      await page.goto(`${e2e.platform.apiUrl}/console/channels/${slug}`);
      await page.waitForURL(/\/console\/sign-in$/);
      await shot(page, 'en-sign-in');
      await signIn(page, { email: 'Email', password: 'Password', submit: 'Sign in' });

      await page.getByTestId('new-channel').click();
      await page.getByLabel('Address (slug)').fill(slug);
      await page.getByLabel('Title').fill('E2E 콘솔 채널');
      await page.getByLabel('Description').fill('Created by the console browser test');
      await shot(page, 'en-channel-new');
      await page.getByTestId('channel-submit').click();

      await page.waitForURL(new RegExp(`/console/channels/${slug}$`));
      const masked = page.getByTestId('stream-key');
      await expect.poll(() => masked.getAttribute('data-masked')).toBe('true');
      const key = await apiKey();
      expect(await masked.textContent()).not.toContain(key);
      expect(await page.getByTestId('rtmp-url').textContent()).toBe(e2e.platform.rtmpUrl);

      await page.getByTestId('copy-key').click();
      await expect.poll(() => page.getByTestId('copy-key').getAttribute('data-state')).toBe('copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

      await page.getByTestId('reveal-key').click();
      expect(await masked.textContent()).toBe(key);
      await shot(page, 'en-channel-detail');

      await page.getByTestId('rotate-key').click();
      await page.getByTestId('confirm-dialog').waitFor();
      await shot(page, 'en-rotate-confirm');
      await page.getByTestId('confirm-yes').click();
      await expect.poll(() => masked.textContent()).not.toBe(key);
      const rotated = await apiKey();
      expect(rotated).not.toBe(key);
      expect(await masked.textContent()).toBe(rotated);

      if (shotsDir) await tourPages(page, 'en');
    } finally {
      await context.close();
    }
  });

  it.runIf(shotsDir)('renders every console page in Korean', async () => {
    const context = await newContext('ko');
    const page = await context.newPage();
    try {
      await page.goto(`${e2e.platform.apiUrl}/console/sign-in`);
      await page.getByTestId('sign-in-form').waitFor();
      await shot(page, 'ko-sign-in');
      await signIn(page, { email: '이메일', password: '비밀번호', submit: '로그인' });
      await tourPages(page, 'ko');
    } finally {
      await context.close();
    }
  });

  /** Visits each console page (with some data behind it) and saves a full-page screenshot. */
  async function tourPages(page: Page, language: string): Promise<void> {
    const auth = { authorization: `Bearer ${e2e.platform.token}`, 'content-type': 'application/json' };
    const hooks = (await (await fetch(`${e2e.platform.apiUrl}/v1/webhooks`, { headers: auth })).json()) as { items: Array<{ id: string }> };
    let hookId = hooks.items[0]?.id;
    if (!hookId) {
      const created = await fetch(`${e2e.platform.apiUrl}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://hooks.example.com/onda', eventTypes: ['stream.started', 'stream.ended'] }) });
      hookId = ((await created.json()) as { id: string }).id;
    }
    const pages: Array<[string, string, string]> = [
      ['channels', '/console', 'channel-table'],
      ['channel-detail', `/console/channels/${slug}`, 'stream-key-panel'],
      ['channel-edit', `/console/channels/${slug}/edit`, 'channel-form'],
      ['channel-new', '/console/channels/new', 'channel-form'],
      ['sessions', '/console/sessions', 'sessions-empty'],
      ['tokens', '/console/tokens', 'token-table'],
      ['webhooks', '/console/webhooks', 'webhook-table'],
      ['deliveries', `/console/webhooks/${hookId}`, 'delivery-table'],
    ];
    for (const [name, url, testId] of pages) {
      await page.goto(e2e.platform.apiUrl + url);
      await page.getByTestId(testId).or(page.locator('.state')).first().waitFor();
      await shot(page, `${language}-${name}`);
    }
  }

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name, { fullPage: true });
});
