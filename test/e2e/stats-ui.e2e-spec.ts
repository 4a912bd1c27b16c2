import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { LiveStats, SessionTimeline, Vod, VodStats } from '@onda/contracts';
import { apiClient, createChannel, goLive, waitFor } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

const shotsDir = process.env.STATS_SHOTS_DIR ?? '/tmp/shots';
const wait = { timeout: 30_000, interval: 250 };

interface ChannelBody {
  status: 'offline' | 'live';
}

/**
 * Statistics through real parts: a viewer watches a real broadcast in Chromium (hls.js, the player's
 * beacons to POST /v1/beacons) and chats; the live statistics then know that viewer, the console draws
 * the dashboard, and the recording's VOD page replays the chat in step with playback.
 */
describe('statistics UI', () => {
  const e2e = platformAndBrowser();
  const contexts: BrowserContext[] = [];
  const slug = 'e2e-stats';
  let sessionId = '';

  const api = apiClient(() => e2e.platform);

  async function newPage(language: 'en' | 'ko' = 'en', width = 1360): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: { width, height: 900 }, locale: language === 'ko' ? 'ko-KR' : 'en-US' });
    contexts.push(context);
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    return context.newPage();
  }

  async function signedIn(language: 'en' | 'ko'): Promise<Page> {
    const page = await newPage(language);
    const res = await page.context().request.post(`${e2e.platform.apiUrl}/v1/auth/sign-in`, { data: { email: E2E_ADMIN.email, password: E2E_ADMIN.password } });
    expect(res.ok()).toBe(true);
    return page;
  }

  const currentTime = (page: Page) => page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    await createChannel(api, { slug, title: 'E2E 통계 방송', reconnectWindowSeconds: 5 });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it('finds the viewer of a broadcast watched in Chromium in the live statistics and draws the dashboard', async () => {
    try {
      const { publisher, session } = await goLive(api, slug, { seconds: 34 });
      sessionId = session.id;

      // One viewer watches ~10 s and chats a little (the reaction timeline and the replay use it).
      const viewer = await newPage('en');
      await viewer.goto(`${e2e.platform.apiUrl}/c/${slug}`);
      await viewer.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, undefined, { timeout: 45_000 });
      const nickname = viewer.getByTestId('nickname-input');
      await nickname.fill('stats-fan');
      await nickname.press('Enter');
      // The three messages are the reaction timeline's planted burst: one 10 s bucket of the session
      // (counted from its creation) must hold all three, so they go early in a bucket, one after another
      // as a person types them (the next once the box has cleared: the previous one was accepted).
      const created = Date.parse((await api<{ createdAt: string }>(`/v1/live-sessions/${sessionId}`)).body.createdAt);
      const into = (Date.now() - created) % 10_000;
      if (into > 3_000) await new Promise((wait) => setTimeout(wait, 10_000 - into + 300));
      for (const text of ['hello from the stats e2e', 'what a moment', '대박']) {
        await viewer.getByTestId('chat-input').fill(text);
        await viewer.getByTestId('chat-input').press('Enter');
        await expect.poll(() => viewer.getByTestId('chat-input').inputValue(), { timeout: 5_000, interval: 50 }).toBe('');
      }
      const t0 = await currentTime(viewer);
      await viewer.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) > t + 10, t0, { timeout: 40_000 });
      // Leaving the page sends the last beacon (sendBeacon at pagehide).
      await viewer.close({ runBeforeUnload: true });

      const stats = await waitFor('the viewer in the live statistics', async () => {
        const { status, body } = await api<LiveStats>(`/v1/live-sessions/${sessionId}/stats`);
        return status === 200 && body.uniqueViewers >= 1 && body.watchSeconds > 0 && body.qoe.startupMsP50 !== null ? body : null;
      }, 30_000, 500);
      expect(stats.uniqueViewers).toBeGreaterThanOrEqual(1);
      expect(stats.watchSeconds).toBeGreaterThan(5);
      expect(stats.qoe.startupMsP50).toBeGreaterThan(0);
      expect(stats.qoe.playbacks).toBeGreaterThanOrEqual(1);
      expect(stats.peakConcurrent).toBeGreaterThanOrEqual(1);
      expect(Object.keys(stats.renditions).length).toBeGreaterThanOrEqual(1);

      // The console dashboard of that broadcast, reached from the sessions list.
      const owner = await signedIn('en');
      await owner.goto(`${e2e.platform.apiUrl}/console/sessions`);
      await owner.getByTestId('open-session-stats').first().click();
      await owner.getByTestId('session-stats').waitFor();
      await owner.getByTestId('viewers-chart').locator('svg.recharts-surface[role="application"]').waitFor();
      // The viewers series is drawn (a broadcast this short has one or two minutes: dots rather than an area).
      await expect.poll(async () => owner.getByTestId('viewers-chart').locator('.recharts-area-area, .recharts-area-dot').count(), wait).toBeGreaterThan(0);
      await expect.poll(async () => Number((await owner.getByTestId('card-unique').locator('dd').textContent())?.replace(/\D/g, '')), wait).toBeGreaterThanOrEqual(1);
      await owner.getByTestId('timeline-chart').waitFor();
      await owner.screenshot({ path: path.join(shotsDir, 'stats-session-live.png'), fullPage: true });

      expect(await publisher.exited).toBe(0);
      await waitFor('the session to end', async () => (await api<ChannelBody>(`/v1/channels/${slug}`)).body.status === 'offline', 30_000);
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-20_000)}`);
      throw error;
    }
  });

  it('replays the chat on the recording and shows its VOD statistics', async () => {
    try {
      expect(sessionId).not.toBe('');
      const vod = await waitFor('the recording to be ready', async () => {
        const { body } = await api<{ items: Vod[] }>(`/v1/vods?channel=${slug}&owner=me`);
        const found = body.items.find((v) => v.liveSessionId === sessionId);
        return found?.status === 'ready' ? found : null;
      }, 120_000, 1000);

      const timeline = await api<SessionTimeline>(`/v1/live-sessions/${sessionId}/timeline`);
      expect(timeline.status).toBe(200);
      expect(timeline.body.vodId).toBe(vod.id);
      expect(timeline.body.buckets.reduce((sum, b) => sum + b.chatMessages, 0)).toBe(3);

      // The VOD page replays the chat as the playhead passes each message.
      const viewer = await newPage('ko');
      await viewer.goto(`${e2e.platform.apiUrl}/v/${vod.id}`);
      await viewer.getByTestId('chat-replay').waitFor();
      await viewer.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 });
      await viewer.getByTestId('chat-replay').getByText('hello from the stats e2e', { exact: true }).waitFor({ timeout: 30_000 });
      await viewer.getByTestId('chat-replay').getByText('대박', { exact: true }).waitFor({ timeout: 30_000 });
      await viewer.screenshot({ path: path.join(shotsDir, 'stats-vod-replay.png') });
      // A seek back to the start hides what was said later.
      await viewer.evaluate(() => {
        const video = document.querySelector('video')!;
        video.pause();
        video.currentTime = 0;
      });
      await expect.poll(async () => viewer.getByTestId('chat-replay').getByTestId('chat-text').count(), wait).toBe(0);
      await viewer.close({ runBeforeUnload: true });

      const vodStats = await waitFor('the VOD view in its statistics', async () => {
        const { status, body } = await api<VodStats>(`/v1/vods/${vod.id}/stats`);
        return status === 200 && body.views >= 1 ? body : null;
      }, 30_000, 500);
      expect(vodStats.retention.some((b) => b.sessions >= 1)).toBe(true);

      const owner = await signedIn('ko');
      await owner.goto(`${e2e.platform.apiUrl}/console/vods`);
      await owner.getByTestId(`vod-row-${vod.id}`).getByTestId('open-vod-stats').click();
      await owner.getByTestId('vod-stats').waitFor();
      await owner.getByTestId('retention-chart').locator('.recharts-area-area').waitFor();
      await owner.screenshot({ path: path.join(shotsDir, 'stats-vod.png'), fullPage: true });

      // The broadcast's dashboard now has its highlights list and jump links into the VOD.
      await owner.goto(`${e2e.platform.apiUrl}/console/sessions/${sessionId}/stats`);
      await owner.getByTestId('timeline-chart').waitFor();
      await owner.screenshot({ path: path.join(shotsDir, 'stats-session-ko.png'), fullPage: true });
      // The planted chat burst is a highlight, with the storyboard tile as its picture and a jump link into the VOD.
      const highlight = owner.getByTestId('highlight').first();
      await highlight.waitFor();
      await highlight.getByTestId('highlight-sprite').waitFor();
      await owner.getByTestId('highlights').screenshot({ path: path.join(shotsDir, 'stats-highlights.png') });
      const jump = highlight.getByTestId('highlight-link');
      expect(await jump.getAttribute('href')).toMatch(new RegExp(`^/v/${vod.id}\\?t=\\d+`));
      await jump.click();
      await owner.getByTestId('vod-title').waitFor();
      expect(new URL(owner.url()).pathname).toBe(`/v/${vod.id}`);
      const csv = await owner.context().request.get(`${e2e.platform.apiUrl}/v1/live-sessions/${sessionId}/stats?format=csv`);
      expect(csv.ok()).toBe(true);
      expect(csv.headers()['content-type']).toContain('text/csv');
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-20_000)}`);
      throw error;
    }
  });
});
