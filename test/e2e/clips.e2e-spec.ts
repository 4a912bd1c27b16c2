import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_FILES } from '@onda/contracts';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { seriousViolations } from './support/axe.js';
import { apiClient, createChannel, goLive, screenshot, waitFor, waitVodReady } from '@onda/testing';
import { E2E_ADMIN, startEmbedded, startScaleOut } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

const exec = promisify(execFile);
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

// Set CLIP_SHOTS_DIR to also save screenshots of the dialog and the clip page, desktop and phone (e.g. /tmp/shots).
const shotsDir = process.env.CLIP_SHOTS_DIR;

interface ClipBody {
  id: string;
  status: string;
  title: string;
  durationSeconds: number | null;
  requestedSeconds: number;
  failureReason: string | null;
  mp4Url: string | null;
  viewCount: number;
}

/**
 * Clips through the real parts, in both modes: embedded (API, worker and the in-process queue in one process, local
 * disk) and scale-out (PostgreSQL, BullMQ on Redis, S3, one process per role). A signed-in viewer clips the last 15 s
 * of a live broadcast and then a range of its VOD with the player's "Clip" button; each clip's page plays it, passes
 * the axe audit and counts the view; the MP4 the API hands out probes as an MP4 of the clip's length, and in
 * scale-out it is the object in the bucket. Once the channel turns private, only its owner reaches the clip; a
 * deleted clip's files leave storage.
 */
describe.each([
  ['embedded (local disk)', () => startEmbedded()],
  ['scale-out (S3)', () => startScaleOut()],
] as const)('clips, %s', (_mode, start) => {
  // A first start initialises the embedded PostgreSQL: minutes on a loaded 2-core box.
  const e2e = platformAndBrowser({ start, timeout: 300_000 });
  /** Scale-out: the bucket the worker writes clips to, read directly. */
  let bucket: ObjectStorage | null = null;
  const slug = 'clip-e2e';

  beforeAll(async () => {
    const e = e2e.platform.env;
    if (e2e.platform.mode === 'scale-out') {
      bucket = createStorage({
        s3: { endpoint: e.S3_ENDPOINT!, region: 'us-east-1', bucket: e.S3_BUCKET!, accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY!, forcePathStyle: true },
      });
    }
  });
  afterAll(async () => {
    await bucket?.close();
  });

  const api = apiClient(() => e2e.platform);

  /** Presses "Clip" in the player, picks 15 s, names it, and opens the clip's page once the dialog links it. */
  async function clipWithPlayer(page: Page, title: string, shotName: string): Promise<string> {
    await page.getByTestId('clip-button').click();
    const dialog = page.getByTestId('clip-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('clip-title').fill(title);
    await dialog.getByTestId('clip-length-15').check();
    await shot(page, shotName);
    await dialog.getByTestId('clip-submit').click();
    const open = dialog.getByTestId('clip-open');
    await open.waitFor({ timeout: 30_000 });
    const id = (await open.getAttribute('href'))!.replace('/clip/', '');
    await open.click();
    await page.waitForURL(new RegExp(`/clip/${id}$`));
    return id;
  }

  /** Waits on the clip page until the worker made the clip and the player plays it. */
  async function playsOnItsPage(page: Page, id: string): Promise<ClipBody> {
    const clip = await waitFor('the clip to be ready', async () => {
      const { body } = await api<ClipBody>(`/v1/clips/${id}`);
      if (body.status === 'failed') throw new Error(`clip failed: ${body.failureReason}`);
      return body.status === 'ready' ? body : null;
    }, 120_000, 250);
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, undefined, { timeout: 60_000 });
    expect(await page.getByTestId('clip-title').textContent()).toBe(clip.title);
    // The page's download button is the file checked below.
    expect(clip.mp4Url).toBe(`${e2e.platform.apiUrl}/media/clip/${id}/${CLIP_FILES.mp4}`);
    expect(await page.getByTestId('clip-download').getAttribute('href')).toBe(clip.mp4Url);
    await downloadsAsMp4(clip, clip.mp4Url!);
    return clip;
  }

  /**
   * The clip's MP4 as a viewer downloads it from `url`, the URL the API hands out (signed for a private channel):
   * with no CDN configured the API serves the bytes from storage (local disk, or the bucket in scale-out). ffprobe
   * reads it as an MP4 with H.264 video and AAC audio, the picture running the clip's whole length; in scale-out it
   * is byte for byte the object in the bucket, next to its HLS playlist and poster.
   */
  async function downloadsAsMp4(clip: ClipBody, url: string): Promise<void> {
    const key = `clip/${clip.id}/${CLIP_FILES.mp4}`;
    const mp4 = await fetch(url);
    expect(mp4.status).toBe(200);
    expect(mp4.headers.get('content-type')).toMatch(/video\/mp4/);
    const served = Buffer.from(await mp4.arrayBuffer());
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', url]);
    const probe = JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; duration?: string }[]; format: { format_name: string; duration: string } };
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams.map((st) => st.codec_name).sort()).toEqual(['aac', 'h264']);
    // The length the API reports is the file's; the picture runs the asked length (less about a frame at 30 fps):
    // it used to start a keyframe interval late in VOD clips, over sound (B-frames; see clipCutArgs in the worker).
    expect(Math.abs(Number(probe.format.duration) - clip.durationSeconds!)).toBeLessThan(0.05);
    expect(Number(probe.streams.find((st) => st.codec_type === 'video')!.duration)).toBeGreaterThanOrEqual(clip.requestedSeconds - 0.05);
    if (bucket) {
      const stored = await bucket.get(key);
      expect(stored, `${key} in the bucket`).not.toBeNull();
      const chunks: Buffer[] = [];
      for await (const chunk of stored!.body) chunks.push(Buffer.from(chunk as Uint8Array));
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(served));
      for (const file of [CLIP_FILES.playlist, CLIP_FILES.poster]) expect(await bucket.head(`clip/${clip.id}/${file}`), `${file} in the bucket`).not.toBeNull();
    }
  }

  it('clips the last 15 s of a live broadcast and a range of its VOD with the player button; each plays on its page', { timeout: 600_000 }, async () => {
    try {
      await createChannel(api, { slug, title: '클립 방송', reconnectWindowSeconds: 2 });
      const { publisher, session } = await goLive(api, slug, { seconds: 60, size: '640x360' });

      const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ko-KR' });
      const page = await context.newPage();
      try {
        // Signed in (a console session), then watching the channel.
        await page.goto(`${e2e.platform.apiUrl}/console/sign-in`);
        await page.locator('input[type="email"]').fill(E2E_ADMIN.email);
        await page.locator('input[type="password"]').fill(E2E_ADMIN.password);
        await page.locator('button[type="submit"]').click();
        await page.waitForURL(/\/console$/);
        await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
        // Playing, more than 15 s into the live window, so the 15 s up to the playhead can be clipped (a loaded box may
        // encode slower than real time: wait on the window, not the clock). The clip ends where the viewer is, some
        // segments behind the live edge: a window 19 s long was not enough (422, "only 13 s available").
        await page.waitForFunction(() => {
          const video = document.querySelector('video');
          return !!video && video.seekable.length > 0 && video.currentTime - video.seekable.start(0) > 16.5;
        }, undefined, { timeout: 180_000 });
        const liveClipId = await clipWithPlayer(page, '라이브 명장면', 'clip-dialog-live');
        const liveClip = await playsOnItsPage(page, liveClipId);
        // Starts on the keyframe at or before the asked start: up to one live keyframe interval (2 s) longer.
        expect(liveClip.durationSeconds!).toBeGreaterThanOrEqual(14.8);
        expect(liveClip.durationSeconds!).toBeLessThanOrEqual(15 + 2.3);
        expect(liveClip.title).toBe('라이브 명장면');
        expect(await seriousViolations(page), 'axe: clip page').toEqual([]);
        await shot(page, 'clip-page-desktop');
        expect((await api<ClipBody>(`/v1/clips/${liveClipId}`)).body.viewCount).toBe(1);

        // The broadcast ends; its VOD encodes; a range of it is clipped the same way.
        expect(await publisher.exited).toBe(0);
        const vod = await waitVodReady(api, session.id, 300_000, 500);
        expect(vod.status).toBe('ready');
        await page.goto(`${e2e.platform.apiUrl}/v/${session.id}?t=20`);
        await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 21, undefined, { timeout: 60_000 });
        const vodClipId = await clipWithPlayer(page, 'VOD 클립', 'clip-dialog-vod');
        const vodClip = await playsOnItsPage(page, vodClipId);
        // 15 s up to the playhead; the VOD's keyframes are 6 s apart.
        expect(vodClip.durationSeconds!).toBeGreaterThanOrEqual(14.8);
        expect(vodClip.durationSeconds!).toBeLessThanOrEqual(15 + 6.3);

        // The clip page on a phone, anonymous.
        const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ko-KR', isMobile: true, hasTouch: true });
        try {
          const p = await phone.newPage();
          await p.goto(`${e2e.platform.apiUrl}/clip/${liveClipId}`);
          await p.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 60_000 });
          expect(await seriousViolations(p), 'axe: clip page on a phone').toEqual([]);
          await shot(p, 'clip-page-phone');
          // One rendition: nothing to choose, so no quality menu (it used to offer "0 kbps").
          expect(await p.getByTestId('quality-menu').count()).toBe(0);
          // The channel page lists both clips under the player; a keyboard reaches one and opens its page.
          await p.goto(`${e2e.platform.apiUrl}/c/${slug}`);
          const clips = p.getByTestId('channel-clips');
          await expect.poll(() => clips.getByTestId('channel-clip').count(), { timeout: 30_000 }).toBe(2);
          expect(await clips.getByRole('heading').textContent()).toBe('클립');
          expect(await seriousViolations(p), 'axe: channel page with clips on a phone').toEqual([]);
          await clips.scrollIntoViewIfNeeded();
          await shot(p, 'channel-clips-phone');
          await clips.getByTestId('channel-clip').first().focus();
          const focused = await p.evaluate(() => document.activeElement?.getAttribute('href'));
          expect(focused).toMatch(/^\/clip\/[0-9a-f-]{36}$/);
          await p.keyboard.press('Enter');
          await p.waitForURL(new RegExp(`${focused}$`));
          await p.goto(`${e2e.platform.apiUrl}/embed/clip/${vodClipId}`);
          await p.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 60_000 });
        } finally {
          await phone.close();
        }
        // The channel lists both.
        const listed = await api<{ items: ClipBody[] }>(`/v1/clips?channel=${slug}`);
        expect(listed.body.items.map((c) => c.id).sort()).toEqual([liveClipId, vodClipId].sort());
        await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
        await expect.poll(() => page.getByTestId('channel-clip').count(), { timeout: 30_000 }).toBe(2);
        await shot(page, 'channel-clips-desktop');

        // The channel turns private: its clips become its owner's alone. Anonymous viewers get neither the clip nor
        // its media; the owner gets signed URLs that serve the same file.
        expect((await api(`/v1/channels/${slug}`, { method: 'PATCH', body: JSON.stringify({ visibility: 'private' }) })).status).toBe(200);
        expect((await fetch(`${e2e.platform.apiUrl}/v1/clips/${liveClipId}`)).status).toBe(404);
        expect((await fetch(`${e2e.platform.apiUrl}/v1/clips?channel=${slug}`)).status).toBe(404);
        // The media route caches a clip's visibility for a few seconds.
        await expect.poll(async () => (await fetch(liveClip.mp4Url!)).status, { timeout: 30_000 }).toBe(403);
        const owned = (await api<ClipBody>(`/v1/clips/${liveClipId}`)).body;
        expect(owned.mp4Url).toMatch(new RegExp(`^${e2e.platform.apiUrl}/media/s/\\d+\\.[0-9a-f]{64}/clip/${liveClipId}/clip\\.mp4$`));
        await downloadsAsMp4(owned, owned.mp4Url!);

        // The owner deletes the VOD clip: its files leave storage (the bucket in scale-out); its signed URL finds nothing.
        const vodOwned = (await api<ClipBody>(`/v1/clips/${vodClipId}`)).body;
        expect((await api(`/v1/clips/${vodClipId}`, { method: 'DELETE' })).status).toBe(204);
        expect((await api(`/v1/clips/${vodClipId}`)).status).toBe(404);
        expect((await fetch(vodOwned.mp4Url!)).status).toBe(404);
        if (bucket) {
          const left: string[] = [];
          for await (const o of bucket.list(`clip/${vodClipId}/`)) left.push(o.key);
          expect(left).toEqual([]);
          expect(await bucket.head(`clip/${liveClipId}/${CLIP_FILES.mp4}`)).not.toBeNull();
        }
      } finally {
        await context.close();
      }
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-30_000)}`);
      throw error;
    }
  });

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name, { fullPage: true });
});
