import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { apiClient, publish, screenshot, streamKey, waitFor, waitLive, type Proc } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

// Set VIEWER_SHOTS_DIR to save screenshots of every page at every size (e.g. /tmp/shots).
const shotsDir = process.env.VIEWER_SHOTS_DIR;

const Desktop = { width: 1440, height: 900 };
const Phone = { width: 390, height: 844 };
const Narrow = { width: 320, height: 640 };

/**
 * The viewer experience of issue 15 through the real parts (embedded mode, ffmpeg, Chromium): the one player on a
 * live channel (DVR, LIVE button, keys, touch) and on its recording, at desktop and phone sizes down to 320 px,
 * keyboard only; the embed pages, oEmbed and the sharing tags; an axe-core audit of every viewer page and the console.
 */
describe('viewer experience', () => {
  const e2e = platformAndBrowser();
  let publisher: Proc | null = null;
  const slug = 'viewer-e2e';

  afterAll(async () => {
    await publisher?.stop();
  });

  const api = apiClient(() => e2e.platform);

  async function open(viewport: { width: number; height: number }, language: 'en' | 'ko', touch = false): Promise<{ context: BrowserContext; page: Page }> {
    const context = await e2e.browser.newContext({ viewport, locale: language === 'ko' ? 'ko-KR' : 'en-US', hasTouch: touch, isMobile: touch });
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    return { context, page: await context.newPage() };
  }

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name);

  async function expectAccessible(page: Page, what: string): Promise<void> {
    const violations = await seriousViolations(page);
    expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }

  /** Every control of the player's bar lies inside the player (nothing cut off at the right). */
  async function expectControlsInside(page: Page): Promise<void> {
    const layout = await page.getByTestId('player').evaluate((player) => {
      const box = player.getBoundingClientRect();
      const controls = [...player.querySelectorAll('.player__row > *')].filter((el) => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0);
      return { left: box.left, right: box.right, controls: controls.map((el) => ({ name: el.getAttribute('data-testid') ?? el.className, left: el.getBoundingClientRect().left, right: el.getBoundingClientRect().right })) };
    });
    for (const control of layout.controls) {
      expect(control.right, `${control.name} ends inside the player`).toBeLessThanOrEqual(layout.right + 0.5);
      expect(control.left, `${control.name} starts inside the player`).toBeGreaterThanOrEqual(layout.left - 0.5);
    }
    for (const testId of ['play-toggle', 'mute-toggle', 'fullscreen-toggle', 'quality-menu']) {
      expect(layout.controls.some((c) => c.name === testId) || (await page.getByTestId(testId).isVisible()), `${testId} is shown`).toBe(true);
    }
  }

  const playing = (page: Page) => page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, undefined, { timeout: 60_000 });

  /** Tabs from the top of the page until the element with `testId` has the focus, as a keyboard user would. */
  async function tabTo(page: Page, testId: string, max = 30): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
    }
    throw new Error(`${testId} never got the focus in ${max} tabs`);
  }

  const focusRing = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
    });

  it('plays a live channel with DVR, keys and touch, embeds it, and describes it to link previews', { timeout: 600_000 }, async () => {
    try {
      const created = await api('/v1/channels', {
        method: 'POST',
        body: JSON.stringify({ slug, title: '밤의 라디오 <live>', description: 'Late talk', reconnectWindowSeconds: 2, dvrWindowSeconds: 60, embedOrigins: ['https://Blog.example'] }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ dvrWindowSeconds: 60, embedOrigins: ['https://blog.example'] });
      const bad = await api<{ code: string }>(`/v1/channels/${slug}`, { method: 'PATCH', body: JSON.stringify({ embedOrigins: ['https://blog.example/path'] }) });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);

      publisher = publish((await streamKey(api, slug)).publishUrl, { seconds: 75, size: '854x480' });
      const session = await waitLive(api, slug, 60_000, 200);

      // Link previews: tags in the served HTML (no script runs there), escaped; oEmbed discoverable and answering.
      const html = await (await fetch(`${e2e.platform.apiUrl}/c/${slug}`)).text();
      expect(html).toContain('<meta property="og:title" content="밤의 라디오 &lt;live&gt;" />');
      expect(html).toContain('<meta name="twitter:card"');
      const oembedHref = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(oembedHref).toBeTruthy();
      const oembed = await fetch(oembedHref!);
      expect(oembed.status).toBe(200);
      const card = (await oembed.json()) as { type: string; version: string; html: string; width: number; height: number; author_url: string };
      expect(card).toMatchObject({ type: 'video', version: '1.0', width: 640, height: 360, author_url: `${e2e.platform.apiUrl}/c/${slug}` });
      expect(card.html).toContain(`src="${e2e.platform.apiUrl}/embed/c/${slug}"`);
      expect((await fetch(`${e2e.platform.apiUrl}/v1/oembed?url=${encodeURIComponent('https://elsewhere.example/c/' + slug)}`)).status).toBe(404);
      expect((await fetch(`${e2e.platform.apiUrl}/v1/oembed?url=${encodeURIComponent(`${e2e.platform.apiUrl}/c/${slug}`)}&format=xml`)).status).toBe(400);
      expect((await fetch(`${e2e.platform.apiUrl}/v1/oembed?url=${encodeURIComponent(`${e2e.platform.apiUrl}/c/nobody-here`)}`)).status).toBe(404);

      // Framing: the channel page by nobody, its embed by this site and the channel's origins only.
      const pageHeaders = (await fetch(`${e2e.platform.apiUrl}/c/${slug}`)).headers;
      const frameAncestors = (headers: Headers) => /frame-ancestors ([^;]*)/.exec(headers.get('content-security-policy') ?? '')?.[1];
      expect(frameAncestors(pageHeaders)).toBe("'none'");
      expect(pageHeaders.get('x-frame-options')).toBe('DENY');
      const embedHeaders = (await fetch(`${e2e.platform.apiUrl}/embed/c/${slug}`)).headers;
      expect(frameAncestors(embedHeaders)).toBe("'self' https://blog.example");
      expect(embedHeaders.get('x-frame-options')).toBeNull();
      expect(frameAncestors((await fetch(`${e2e.platform.apiUrl}/console`)).headers)).toBe("'none'");

      // Desktop, keyboard only.
      const desktop = await open(Desktop, 'en');
      try {
        const page = desktop.page;
        await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
        await playing(page);
        expect(await page.getByTestId('live-indicator').getAttribute('data-at-edge')).toBe('true');
        // Enough live window to rewind into.
        await page.waitForFunction(() => {
          const v = document.querySelector('video')!;
          return v.seekable.length > 0 && v.seekable.end(0) - v.seekable.start(0) > 16;
        }, undefined, { timeout: 90_000 });
        await shot(page, 'channel-desktop');
        await expectAccessible(page, 'channel page');

        await tabTo(page, 'player');
        expect(await focusRing(page)).toBe(true);
        await page.keyboard.press('k');
        await page.waitForFunction(() => document.querySelector('video')!.paused);
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('k');
        await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-at-edge'), { timeout: 20_000 }).toBe('false');
        // 10 s back from where it played; that may have been a few seconds ahead of the sync target (hls.js's
        // catch-up at 1.5x overshoots), which is the zero of this indicator.
        expect(await page.getByTestId('live-behind').textContent()).toMatch(/^-0:(0[5-9]|1\d)$/);
        await expect.poll(() => page.evaluate(() => !document.querySelector('video')!.paused)).toBe(true);
        await shot(page, 'channel-desktop-dvr');
        // The rewound player keeps its distance while playing (not yanked back to the edge).
        await page.waitForTimeout(3000);
        expect(await page.getByTestId('live-indicator').getAttribute('data-at-edge')).toBe('false');
        // One press on LIVE (reached by Tab) returns to the edge.
        await tabTo(page, 'live-indicator');
        expect(await focusRing(page)).toBe(true);
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-at-edge'), { timeout: 20_000 }).toBe('true');
        // M unmutes from the focused player; F asks for full screen.
        await page.getByTestId('player').focus();
        await page.keyboard.press('m');
        await expect.poll(() => page.evaluate(() => document.querySelector('video')!.muted)).toBe(false);
      } finally {
        await desktop.context.close();
      }

      // Phone (Korean, touch) and 320 px: every control inside the player; a double tap on the left rewinds.
      const phone = await open(Phone, 'ko', true);
      try {
        const page = phone.page;
        await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
        await playing(page);
        await page.waitForFunction(() => {
          const v = document.querySelector('video')!;
          return v.seekable.length > 0 && v.seekable.end(0) - v.seekable.start(0) > 16;
        }, undefined, { timeout: 60_000 });
        await expectControlsInside(page);
        await shot(page, 'channel-phone');
        // A double tap on the left third: two touch pointer-ups within the double-tap window (sent together, so a
        // busy machine cannot stretch the gap between them), as a finger does.
        const before = await page.evaluate(() => document.querySelector('video')!.currentTime);
        await page.getByTestId('video').evaluate((video) => {
          const box = video.getBoundingClientRect();
          const init = { pointerType: 'touch', isPrimary: true, bubbles: true, clientX: box.left + box.width * 0.15, clientY: box.top + box.height * 0.3 };
          video.dispatchEvent(new PointerEvent('pointerup', init));
          video.dispatchEvent(new PointerEvent('pointerup', init));
        });
        await page.getByTestId('tap-flash').waitFor();
        expect(await page.getByTestId('tap-flash').textContent()).toBe('−10초');
        const after = await page.evaluate(() => document.querySelector('video')!.currentTime);
        expect(before - after).toBeGreaterThan(8);
        expect(await page.evaluate(() => document.querySelector('video')!.paused)).toBe(false);
        await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-at-edge'), { timeout: 20_000 }).toBe('false');
        await shot(page, 'channel-phone-dvr');
        await expectAccessible(page, 'channel page (phone)');
        await page.setViewportSize(Narrow);
        await expectControlsInside(page);
        await shot(page, 'channel-320');
      } finally {
        await phone.context.close();
      }

      // The embed: the player alone, and with chat.
      const embed = await open({ width: 640, height: 360 }, 'en');
      try {
        const page = embed.page;
        await page.goto(`${e2e.platform.apiUrl}/embed/c/${slug}`);
        await playing(page);
        expect(await page.locator('header').count()).toBe(0);
        expect(await page.locator('.embed__title').getAttribute('href')).toBe(`/c/${slug}`);
        await shot(page, 'embed-channel');
        await expectAccessible(page, 'channel embed');
        await page.setViewportSize({ width: 960, height: 400 });
        await page.goto(`${e2e.platform.apiUrl}/embed/c/${slug}?chat=1`);
        await page.getByTestId('chat-panel').waitFor();
        await shot(page, 'embed-channel-chat');
      } finally {
        await embed.context.close();
      }

      // Home and console pages pass the audit too; the console edits the new channel settings.
      const owner = await open(Desktop, 'en');
      try {
        const page = owner.page;
        await page.goto(e2e.platform.apiUrl);
        await page.getByTestId(`channel-${slug}`).waitFor();
        await expectAccessible(page, 'home page');
        await shot(page, 'home-desktop');
        await page.goto(`${e2e.platform.apiUrl}/console/sign-in`);
        await expectAccessible(page, 'sign-in page');
        await page.getByLabel('Email').fill(E2E_ADMIN.email);
        await page.getByLabel('Password').fill(E2E_ADMIN.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/console$/);
        await page.getByTestId(`channel-row-${slug}`).or(page.getByText('밤의 라디오')).first().waitFor();
        await expectAccessible(page, 'console channel list');
        await page.goto(`${e2e.platform.apiUrl}/console/channels/${slug}`);
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, 'console channel page');
        await page.goto(`${e2e.platform.apiUrl}/console/channels/${slug}/edit`);
        const dvr = page.getByLabel('Live rewind (seconds)');
        await dvr.waitFor();
        expect(await dvr.inputValue()).toBe('60');
        await expectAccessible(page, 'console channel settings');
        await dvr.fill('120');
        await page.getByLabel('Sites allowed to embed the player').fill('https://blog.example\nhttps://news.example');
        await shot(page, 'console-edit');
        await page.getByTestId('channel-submit').click();
        await expect.poll(async () => (await api<{ dvrWindowSeconds: number; embedOrigins: string[] }>(`/v1/channels/${slug}`)).body).toMatchObject({
          dvrWindowSeconds: 120,
          embedOrigins: ['https://blog.example', 'https://news.example'],
        });
      } finally {
        await owner.context.close();
      }

      // The recording: the VOD page plays the instant replay once the broadcast is over.
      expect(await publisher.exited).toBe(0);
      publisher = null;
      const vod = await waitFor('the VOD of the broadcast', async () => {
        const { status, body } = await api<{ id: string; playbackUrl: string | null }>(`/v1/vods/${session.id}`);
        return status === 200 && body.playbackUrl ? body : null;
      }, 60_000, 500);

      const viewer = await open(Desktop, 'en');
      try {
        const page = viewer.page;
        await page.goto(`${e2e.platform.apiUrl}/v/${vod.id}`);
        await playing(page);
        await expectAccessible(page, 'VOD page');
        await tabTo(page, 'player');
        await page.keyboard.press('k');
        await page.waitForFunction(() => document.querySelector('video')!.paused);
        await page.keyboard.press('Home');
        await page.keyboard.press('l');
        await page.keyboard.press('l');
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => page.evaluate(() => Math.round(document.querySelector('video')!.currentTime))).toBe(25);
        await page.keyboard.press('j');
        await expect.poll(() => page.evaluate(() => Math.round(document.querySelector('video')!.currentTime))).toBe(15);
        // Share at the current time.
        await page.getByTestId('share-toggle').click();
        await page.getByTestId('share-at-time').check();
        const link = await page.getByTestId('share-link').inputValue();
        expect(link).toBe(`${e2e.platform.apiUrl}/v/${vod.id}?t=15`);
        expect(await page.getByTestId('share-embed').inputValue()).toContain(`src="${e2e.platform.apiUrl}/embed/v/${vod.id}?t=15"`);
        await shot(page, 'vod-desktop-share');
        await expectAccessible(page, 'VOD page with share panel');

        const vodHtml = await (await fetch(`${e2e.platform.apiUrl}/v/${vod.id}`)).text();
        expect(vodHtml).toContain('application/json+oembed');
        const vodCard = (await (await fetch(`${e2e.platform.apiUrl}/v1/oembed?url=${encodeURIComponent(link)}&maxwidth=480`)).json()) as { html: string; width: number; height: number };
        expect(vodCard).toMatchObject({ width: 480, height: 270 });
        expect(vodCard.html).toContain(`src="${e2e.platform.apiUrl}/embed/v/${vod.id}?t=15"`);

        await page.goto(`${e2e.platform.apiUrl}/embed/v/${vod.id}?t=15`);
        await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) >= 14.5, undefined, { timeout: 60_000 });
        await shot(page, 'embed-vod');

        for (const [size, name] of [[Phone, 'vod-phone'], [Narrow, 'vod-320']] as const) {
          await page.setViewportSize(size);
          await page.goto(`${e2e.platform.apiUrl}/v/${vod.id}`);
          await playing(page);
          await expectControlsInside(page);
          await shot(page, name);
        }
      } finally {
        await viewer.context.close();
      }
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-20_000)}`);
      throw error;
    }
  });
});
