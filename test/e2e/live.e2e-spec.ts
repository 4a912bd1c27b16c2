import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, createChannel, keyframeTimes, publish, text, variants, waitFor, waitLive } from '@onda/testing';
import { startEmbedded, startScaleOut } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

interface ChannelBody {
  id: string;
  slug: string;
  status: 'offline' | 'live';
  liveSession: { id: string; state: string; playbackUrl: string | null; renditions: string[] } | null;
}

/**
 * The walking skeleton, end to end through real parts: REST creates a channel, an RTMP encoder
 * (ffmpeg) publishes with the channel's key, the worker transcodes the ladder to storage, and
 * Chromium plays it with hls.js on the channel page.
 */
describe.each([
  ['embedded', startEmbedded],
  ['scale-out', startScaleOut],
] as const)('broadcast in %s mode', (_mode, start) => {
  const e2e = platformAndBrowser({ start });

  afterAll(async () => {
  });

  const api = apiClient(() => e2e.platform);

  it('refuses a wrong stream key at publish and plays a real broadcast in Chromium', async () => {
    try {
      const slug = `e2e-${e2e.platform.mode}`;
      // A short reconnect window: the end of the broadcast below is not an encoder drop to wait out.
      const key = await createChannel(api, { slug, title: `E2E ${e2e.platform.mode} 방송`, reconnectWindowSeconds: 10 });
      expect(key.rtmpUrl).toBe(e2e.platform.rtmpUrl);

      // A wrong key: the encoder is refused during the RTMP publish and exits non-zero; nothing is created.
      const intruder = publish(`${e2e.platform.rtmpUrl}/live_wrong-key-0000000000000000000000`, { seconds: 5 });
      expect(await intruder.exited).not.toBe(0);
      expect((await api<ChannelBody>(`/v1/channels/${slug}`)).body.liveSession).toBeNull();

      // The viewer opens the page before the broadcast: offline, then playing without a reload.
      const page = await e2e.browser.newPage();
      await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
      await page.getByTestId('offline-state').waitFor({ timeout: 15_000 });

      const publisher = publish(key.publishUrl, { seconds: 20 });
      const live = await waitLive(api, slug);
      const playbackUrl = live.playbackUrl;
      expect(live.renditions).toEqual(['720p', '480p', '360p']);

      const master = await text(playbackUrl);
      const ladder = variants(playbackUrl, master);
      expect(ladder).toHaveLength(3);
      for (const v of ladder) {
        expect(v.attrs).toMatch(/BANDWIDTH=\d+/);
        expect(v.attrs).toMatch(/RESOLUTION=\d+x(720|480|360)/);
        expect(v.attrs).toMatch(/CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
      }

      await page.waitForFunction(() => {
        const video = document.querySelector('video');
        return video !== null && video.currentTime > 4;
      }, undefined, { timeout: 45_000 });
      const levels = await page.evaluate(() => (window as unknown as { __onda?: { hls?: { levels: unknown[] } } }).__onda?.hls?.levels.length ?? 0);
      expect(levels).toBeGreaterThanOrEqual(3);
      await expect.poll(async () => (await page.getByTestId('quality-menu').textContent()) ?? '').toMatch(/720p[\s\S]*480p[\s\S]*360p/);
      // Not just a first frame: playback keeps advancing.
      const t0 = await page.evaluate(() => document.querySelector('video')!.currentTime);
      await page.waitForFunction((t) => document.querySelector('video')!.currentTime > t + 2, t0, { timeout: 20_000 });

      // ffmpeg dies while the publisher is still connected: the worker restarts it, viewers keep the URL.
      if (e2e.platform.mode === 'embedded') {
        const { execFileSync } = await import('node:child_process');
        const before = await page.evaluate(() => document.querySelector('video')!.currentTime);
        execFileSync('pkill', ['-KILL', '-f', `live/${live.id}\\?token=`]);
        await waitFor('a discontinuity in the live playlist', async () => (await text(ladder[0]!.uri)).includes('#EXT-X-DISCONTINUITY'), 20_000, 250);
        await page.waitForFunction((t) => document.querySelector('video')!.currentTime > t + 4, before, { timeout: 30_000 });
        const after = await api<ChannelBody>(`/v1/channels/${slug}`);
        expect(after.body.liveSession?.playbackUrl).toBe(playbackUrl);
      }

      expect(await publisher.exited).toBe(0);
      // End of broadcast: the session ends and every rendition is finalised with ENDLIST.
      await waitFor('the session to end', async () => (await api<ChannelBody>(`/v1/channels/${slug}`)).body.status === 'offline', 30_000);
      // The session ends only once the worker has published the finalised playlists: read them once.
      for (const v of ladder) expect(await text(v.uri), v.uri).toContain('#EXT-X-ENDLIST');

      // Aligned keyframes: identical keyframe times in every rendition (the player switches cleanly).
      const times = await Promise.all(ladder.map((v) => keyframeTimes(v.uri)));
      // ~20 s of media minus what the ffmpeg restart skipped: at least 10 s, i.e. 5 keyframes.
      expect(times[0]!.length).toBeGreaterThanOrEqual(5);
      expect(times[1]).toEqual(times[0]);
      expect(times[2]).toEqual(times[0]);
      await page.close();
    } catch (error) {
      console.error(`platform logs (${e2e.platform.mode}):\n${e2e.platform.logs().slice(-30_000)}`);
      throw error;
    }
  });
});
