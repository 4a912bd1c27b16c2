import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

// Set COMMERCE_SHOTS_DIR to keep screenshots of the console and the viewer page (desktop en, phone ko).
const shotsDir = process.env.COMMERCE_SHOTS_DIR;
const wait = { timeout: 20_000, interval: 100 };
// A real 1x1 PNG: the product picture.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/**
 * Sponsor and commerce moments through the real parts (embedded `onda all`, Chromium): the producer prepares a
 * product card with a picture and a coupon drop in the console and shows them; viewers see them over the player
 * (under it on a phone), click the product and claim the coupon (each once, never past the quantity); the console
 * counts impressions, clicks and claims.
 */
describe('commerce moments', () => {
  const e2e = platformAndBrowser();
  const slug = 'e2e-commerce';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const res = await fetch(`${e2e.platform.apiUrl}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug, title: '라이브 커머스' }),
    });
    expect(res.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  async function newPage(language: 'en' | 'ko', viewport = { width: 1360, height: 820 }): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport, locale: language === 'ko' ? 'ko-KR' : 'en-US' });
    contexts.push(context);
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    return context.newPage();
  }

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name, { fullPage: true });

  const moment = (page: Page, title: string) => page.getByTestId('commerce-moment').filter({ has: page.getByText(title, { exact: true }) });

  /** The viewer's page, in the chat room (the room hands an anonymous viewer the device token claims go by). */
  async function watch(page: Page): Promise<void> {
    await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
    await expect.poll(() => page.getByTestId('chat-panel').getAttribute('data-status'), wait).toBe('joined');
  }

  it('the producer shows a product and a coupon; viewers see, click and claim them; the console counts it', async () => {
    const owner = await newPage('en');
    const signIn = await owner.context().request.post(`${e2e.platform.apiUrl}/v1/auth/sign-in`, { data: { email: E2E_ADMIN.email, password: E2E_ADMIN.password } });
    expect(signIn.ok()).toBe(true);
    await owner.goto(`${e2e.platform.apiUrl}/console/channels/${slug}`);
    await owner.getByTestId('commerce-link').click();
    await owner.getByTestId('commerce-empty').waitFor(wait);

    // A product card with its picture, in won with a list price.
    await owner.locator('input[name=title]').fill('무선 이어폰 Pro');
    await owner.locator('input[name=amount]').fill('39000');
    await owner.locator('input[name=listAmount]').fill('59000');
    await owner.locator('input[name=url]').fill('https://shop.example.com/earbuds');
    await owner.locator('input[name=image]').setInputFiles({ name: 'earbuds.png', mimeType: 'image/png', buffer: PNG });
    await owner.getByTestId('commerce-create').click();
    await moment(owner, '무선 이어폰 Pro').waitFor(wait);
    await expect.poll(() => moment(owner, '무선 이어폰 Pro').locator('img').count(), wait).toBe(1);

    // A coupon drop: two to give, one each.
    await owner.locator('select[name=kind]').selectOption('drop');
    await owner.locator('input[name=title]').fill('10% 할인 쿠폰');
    await owner.locator('input[name=url]').fill('');
    await owner.locator('input[name=quantity]').fill('2');
    await owner.locator('input[name=code]').fill('ONDA10');
    await owner.getByTestId('commerce-create').click();
    await moment(owner, '10% 할인 쿠폰').waitFor(wait);

    // A bad price is refused in the form, nothing is made.
    await owner.locator('select[name=kind]').selectOption('product');
    await owner.locator('input[name=title]').fill('잘못된 가격');
    await owner.locator('input[name=amount]').fill('-5');
    await owner.getByTestId('commerce-create').click();
    await owner.getByRole('alert').filter({ hasText: 'price.amount' }).waitFor(wait);
    expect(await owner.getByTestId('commerce-moment').count()).toBe(2);

    // Viewers are on the page before the show: the cards arrive over the chat socket.
    const viewer = await newPage('en');
    await watch(viewer);
    const phone = await newPage('ko', { width: 390, height: 844 });
    await watch(phone);
    expect(await viewer.getByTestId('commerce-overlay').count()).toBe(0);

    await moment(owner, '무선 이어폰 Pro').getByTestId('commerce-show').click();
    await expect.poll(() => moment(owner, '무선 이어폰 Pro').getAttribute('data-status'), wait).toBe('shown');
    await moment(owner, '10% 할인 쿠폰').getByTestId('commerce-show').click();
    await expect.poll(() => moment(owner, '10% 할인 쿠폰').getAttribute('data-status'), wait).toBe('shown');

    const overlay = viewer.getByTestId('commerce-overlay');
    const product = overlay.locator('[data-kind=product]');
    const coupon = overlay.locator('[data-kind=drop]');
    await product.waitFor(wait);
    await coupon.waitFor(wait);
    expect(await product.getByTestId('commerce-price').textContent()).toBe('₩39,000₩59,000');
    expect(await coupon.getByTestId('commerce-remaining').textContent()).toBe('2 of 2 left');
    // Over the player: inside the stage's box on a wide screen.
    const stage = (await viewer.locator('.stage').boundingBox())!;
    const card = (await product.boundingBox())!;
    expect(card.y + card.height).toBeLessThanOrEqual(stage.y + stage.height);
    expect(card.x).toBeGreaterThanOrEqual(stage.x);
    // In chat too.
    await viewer.getByTestId('commerce-chat').getByText('10% 할인 쿠폰').waitFor(wait);
    await shot(viewer, 'commerce-viewer-en');

    // The product link opens the shop in a new tab and counts the click.
    const [shop] = await Promise.all([viewer.context().waitForEvent('page'), product.getByTestId('commerce-link').click()]);
    await shop.close();

    await coupon.getByTestId('commerce-claim').click();
    expect(await coupon.getByTestId('commerce-code').textContent({ timeout: 20_000 })).toContain('ONDA10');
    await expect.poll(() => coupon.getByTestId('commerce-claim').textContent(), wait).toBe('Claimed');
    expect(await coupon.getByTestId('commerce-claim').isDisabled()).toBe(true);

    // The phone (Korean): the cards under the player, the second coupon.
    const phoneCoupon = phone.getByTestId('commerce-overlay').locator('[data-kind=drop]');
    await phoneCoupon.waitFor(wait);
    const phoneStage = (await phone.locator('.stage').boundingBox())!;
    expect((await phoneCoupon.boundingBox())!.y).toBeGreaterThanOrEqual(phoneStage.y + phoneStage.height - 1);
    expect(await phone.getByTestId('commerce-overlay').locator('[data-kind=product]').getByTestId('commerce-price').textContent()).toBe('₩39,000₩59,000');
    await phoneCoupon.getByTestId('commerce-claim').click();
    expect(await phoneCoupon.getByTestId('commerce-code').textContent({ timeout: 20_000 })).toContain('ONDA10');
    await shot(phone, 'commerce-viewer-phone-ko');

    // Sold out: the count reaches every viewer, and a third one is told so.
    await expect.poll(() => coupon.getByTestId('commerce-remaining').textContent(), wait).toBe('0 of 2 left');
    const late = await newPage('ko');
    await watch(late);
    const lateCoupon = late.getByTestId('commerce-overlay').locator('[data-kind=drop]');
    await expect.poll(() => lateCoupon.getByTestId('commerce-claim').textContent(), wait).toBe('모두 소진');
    expect(await lateCoupon.getByTestId('commerce-claim').isDisabled()).toBe(true);

    // The console's numbers: three viewers saw both cards, one clicked the product, two claimed the coupon.
    const stats = (title: string, id: string) => moment(owner, title).getByTestId(id).textContent();
    await expect.poll(() => stats('10% 할인 쿠폰', 'stat-claims'), wait).toBe('2 of 2 (2 viewers)');
    await expect.poll(() => stats('무선 이어폰 Pro', 'stat-impressions'), wait).toBe('3');
    await expect.poll(() => stats('무선 이어폰 Pro', 'stat-clicks'), wait).toBe('1');
    await expect.poll(() => stats('10% 할인 쿠폰', 'stat-conversion'), wait).toBe('66.7%');
    await shot(owner, 'commerce-console-en');

    // Hidden from the console: gone from every viewer's screen.
    await moment(owner, '무선 이어폰 Pro').getByTestId('commerce-hide').click();
    await expect.poll(() => overlay.locator('[data-kind=product]').count(), wait).toBe(0);
  }, 180_000);
});
