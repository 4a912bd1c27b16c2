import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiClient, createChannel, findVod, goLive, screenshot, waitFor, waitVodReady } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

const exec = promisify(execFile);

// Set VOD_SHOTS_DIR to also save screenshots of the library and the player (e.g. /tmp/shots).
const shotsDir = process.env.VOD_SHOTS_DIR;

interface VodBody {
  id: string;
  status: string;
  title: string;
  durationSeconds: number | null;
  failureReason: string | null;
  playbackUrl: string | null;
  posterUrl: string | null;
  storyboardUrl: string | null;
}

/**
 * The web side of VODs through the real parts (embedded mode, ffmpeg, Chromium): two short
 * recordings, the console library while one encodes, and the player page of the ready one with
 * hls.js playback, a `?t=` deep link and storyboard previews on the seek bar.
 */
describe('VOD player and library', () => {
  const e2e = platformAndBrowser();
  const slug = 'vod-e2e';

  const api = apiClient(() => e2e.platform);

  /** Broadcasts `seconds` of test pattern and returns the live session id (= the VOD id) once the encoder is done. */
  async function broadcast(seconds: number): Promise<string> {
    const { publisher, session } = await goLive(api, slug, { seconds });
    expect(await publisher.exited).toBe(0);
    return session.id;
  }

  async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    await context.addInitScript(() => window.localStorage.setItem('onda.lang', 'en'));
    const page = await context.newPage();
    await page.goto(`${e2e.platform.apiUrl}/console/sign-in`);
    await page.getByLabel('Email').fill(E2E_ADMIN.email);
    await page.getByLabel('Password').fill(E2E_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console$/);
    return { context, page };
  }

  it('lists recordings in the console and plays one with storyboard previews and a deep link', { timeout: 420_000 }, async () => {
    try {
      // A short reconnect window ends each session soon after its encoder stops.
      await createChannel(api, { slug, title: 'VOD 방송', reconnectWindowSeconds: 2 });
      const first = await broadcast(12);
      // Once the reconnect window is over the session ends and its VOD appears; the second broadcast runs while it encodes.
      await waitFor('the first VOD to appear', () => findVod(api, first), 60_000, 250);
      const second = await broadcast(8);
      expect(second).not.toBe(first);
      const ready = await waitVodReady<VodBody>(api, first, 240_000, 250);
      expect(ready.posterUrl).toBeTruthy();
      expect(ready.storyboardUrl).toBeTruthy();

      // The library, signed in: the ready VOD with its poster (the second one is still encoding, or just done).
      const { context, page } = await signedIn();
      try {
        await page.goto(`${e2e.platform.apiUrl}/console/vods`);
        const row = page.getByTestId(`vod-row-${first}`);
        await row.waitFor();
        await expect.poll(() => row.getByTestId('vod-status').textContent()).toBe('Ready');
        const poster = row.getByTestId('vod-poster');
        expect(await poster.getAttribute('src')).toBe(ready.posterUrl);
        await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
        await page.getByTestId(`vod-row-${second}`).waitFor();
        await shot(page, 'vod-library');
        if (shotsDir) {
          // The owner watching the second recording as instant replay (or already encoded).
          await page.goto(`${e2e.platform.apiUrl}/v/${second}`);
          await page.getByTestId('vod-title').waitFor();
          await page.getByTestId('video').waitFor();
          await shot(page, 'vod-player-replay');
          await page.goto(`${e2e.platform.apiUrl}/console/vods`);
        }

        // Uploads through the form: the server refuses a file that only claims to be a video, and takes a real one.
        const dir = mkdtempSync(path.join(tmpdir(), 'onda-vod-upload-'));
        try {
          const clip = path.join(dir, 'clip.mp4');
          await exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '3', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', clip]);
          await page.getByTestId('open-upload').click();
          const form = page.getByTestId('upload-form');
          await form.getByTestId('upload-file').setInputFiles({ name: 'fake.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not a video, only named like one\n'.repeat(200)) });
          await form.getByTestId('upload-submit').click();
          await expect.poll(() => form.getByTestId('form-error').textContent(), { timeout: 30_000 }).toBe('This file is not a video. Choose a video file (MP4, MOV, MKV, WebM…).');
          await shot(page, 'vod-upload-refused');
          // The refused upload's VOD was deleted again by the form.
          const { body: afterRefusal } = await api<{ items: VodBody[] }>(`/v1/vods?owner=me&channel=${slug}`);
          expect(afterRefusal.items.map((v) => v.title)).not.toContain('fake');

          await form.getByTestId('upload-file').setInputFiles(clip);
          await form.getByLabel('Title').fill('업로드한 영상');
          await form.getByTestId('upload-submit').click();
          await page.getByTestId('upload-done').waitFor({ timeout: 60_000 });
          const { body: mine } = await api<{ items: Array<VodBody & { origin: string }> }>(`/v1/vods?owner=me&channel=${slug}`);
          const uploaded = mine.items.find((v) => v.title === '업로드한 영상');
          expect(uploaded?.origin).toBe('upload');
          expect(['processing', 'ready']).toContain(uploaded?.status);
          await page.getByTestId(`vod-row-${uploaded!.id}`).waitFor();
          await shot(page, 'vod-library-uploaded');
          if (shotsDir) {
            await page.getByTestId('lang-ko').click();
            await shot(page, 'vod-library-ko');
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      } finally {
        await context.close();
      }
      await waitVodReady(api, second, 240_000, 500);

      // The player page, anonymous: hls.js plays the VOD ladder, the quality menu lists it.
      const viewer = await e2e.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ko-KR' });
      try {
        const player = await viewer.newPage();
        await player.goto(`${e2e.platform.apiUrl}/v/${first}`);
        expect(await player.getByTestId('vod-title').textContent()).toBe(ready.title);
        expect(await player.getByTestId('vod-channel').getAttribute('href')).toBe(`/c/${slug}`);
        await player.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1.5, undefined, { timeout: 60_000 });
        const qualities = await player.getByTestId('quality-menu').locator('option').allTextContents();
        expect(qualities.slice(1)).toEqual(['720p', '480p']);

        // Hovering the seek bar shows the storyboard tile of that time, cut from the sprite.
        const bar = player.getByTestId('seek-bar');
        const box = (await bar.boundingBox())!;
        await player.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
        const thumb = player.getByTestId('storyboard-thumb');
        await thumb.waitFor();
        const sprite = new URL('storyboard.jpg', ready.storyboardUrl!).toString();
        const style = await thumb.evaluate((el) => ({ image: getComputedStyle(el).backgroundImage, position: getComputedStyle(el).backgroundPosition, width: el.clientWidth }));
        expect(style.image).toBe(`url("${sprite}")`);
        expect(style.width).toBe(160);
        expect(style.position).not.toBe('0px 0px');
        const spriteRes = await fetch(sprite);
        expect(spriteRes.headers.get('content-type')).toMatch(/image\/jpeg/);
        await shot(player, 'vod-player-hover');

        // A click on the bar seeks there.
        await player.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
        await player.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) >= 8, undefined, { timeout: 30_000 });

        // `?t=6` starts at 6 s.
        await player.goto(`${e2e.platform.apiUrl}/v/${first}?t=6`);
        await player.waitForFunction(() => !document.querySelector('video')?.paused && (document.querySelector('video')?.currentTime ?? 0) > 0, undefined, { timeout: 60_000 });
        expect(await player.evaluate(() => document.querySelector('video')!.currentTime)).toBeGreaterThanOrEqual(5.5);

        // The channel page lists its recent VODs.
        await player.goto(`${e2e.platform.apiUrl}/c/${slug}`);
        await player.getByTestId('recent-vods').waitFor();
        expect(await player.getByTestId('recent-vods').locator(`a[href="/v/${first}"]`).count()).toBe(1);
        await shot(player, 'channel-recent-vods');
      } finally {
        await viewer.close();
      }
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-30_000)}`);
      throw error;
    }
  });

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name, { fullPage: true });
});
