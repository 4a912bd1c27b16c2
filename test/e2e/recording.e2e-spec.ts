import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Vod } from '@onda/contracts';
import { apiClient, createChannel, findVod, publish, text, waitFor, waitLive, waitVodReady } from '@onda/testing';
import { platformAndBrowser } from './support/browser-suite.js';

const exec = promisify(execFile);
const hlsJs = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

/**
 * Recording end to end in embedded mode: a broadcast with an encoder drop inside the reconnect window
 * is one live session, one archive and one VOD, replayable at once and encoded to an HLS ladder.
 */
describe('recording and VOD', () => {
  const e2e = platformAndBrowser();

  const api = apiClient(() => e2e.platform);

  it('records 20 s + 10 s around a 5 s encoder drop as one VOD of 30 s that plays at every rendition', { timeout: 300_000 }, async () => {
    try {
      const slug = 'rec-e2e';
      // A short window keeps the test quick: the session ends 8 s after the last publisher leaves.
      const { publishUrl: url } = await createChannel(api, { slug, title: '녹화 방송', reconnectWindowSeconds: 8 });
      type ChannelBody = { status: string; liveSession: { id: string; playbackUrl: string | null } | null };

      const first = publish(url, { seconds: 20 });
      const live = await waitLive(api, slug);
      expect(await first.exited).toBe(0);
      await sleep(5000);
      const second = publish(url, { seconds: 10 });
      expect(await second.exited).toBe(0);
      // Same session, same URL: the live playlists carry a discontinuity where the encoder dropped.
      const { body: during } = await api<ChannelBody>(`/v1/channels/${slug}`);
      expect(during.liveSession?.id).toBe(live.id);
      const media = new URL('720p/index.m3u8', live.playbackUrl).toString();
      expect(await text(media)).toContain('#EXT-X-DISCONTINUITY');

      // Instant replay: the VOD appears when the session ends, playing the finalised live HLS.
      const vodId = live.id;
      const replay = await waitFor('the VOD to appear', () => findVod<Vod>(api, vodId), 60_000, 250);
      if (replay.status === 'processing') {
        expect(replay.playbackUrl).toBe(live.playbackUrl);
        expect(await text(media)).toContain('#EXT-X-ENDLIST');
      }
      const { body: vods } = await api<{ items: Vod[] }>(`/v1/vods?channel=${slug}`);
      expect(vods.items.map((v) => v.id)).toEqual([vodId]);

      const ready = await waitVodReady<Vod>(api, vodId, 180_000, 500);
      expect(ready.durationSeconds).toBeGreaterThan(28);
      expect(ready.durationSeconds).toBeLessThan(32);
      expect(ready.renditions).toEqual(['720p', '480p']);
      expect(ready.progressPercent).toBe(100);

      // The joined archive in storage is a valid MP4 of the whole broadcast; only its owner may download it.
      expect((await fetch(`${e2e.platform.apiUrl}/media/vod/${vodId}/source.mp4`)).status).toBe(403);
      expect(ready.downloadUrl).toBeTruthy();
      const { stdout } = await exec('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', ready.downloadUrl!]);
      const probe = JSON.parse(stdout) as { streams: { codec_name: string }[]; format: { duration: string; format_name: string } };
      expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(probe.format.format_name).toContain('mp4');
      expect(Math.abs(Number(probe.format.duration) - 30)).toBeLessThan(2);
      expect((await fetch(ready.posterUrl!)).headers.get('content-type')).toMatch(/image\/jpeg/);
      expect(await text(ready.storyboardUrl!)).toMatch(/^WEBVTT\n\n00:00:00.000 --> /);

      // Every rendition plays in Chromium (hls.js pinned to the level).
      // A bare hls.js page on the API's origin: the app's CSP forbids the injected script, so this test
      // page (not the app under test) bypasses it.
      const context = await e2e.browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${e2e.platform.apiUrl}/`);
      await page.addScriptTag({ path: hlsJs });
      for (let level = 0; level < ready.renditions.length; level++) {
        const want = Number(ready.renditions[level]!.replace('p', ''));
        const height = await page.evaluate(async ({ src, want }) => {
          type HlsLike = {
            loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void; on(e: string, f: () => void): void;
            currentLevel: number; levels: { height: number }[]; destroy(): void;
          };
          const Hls = (window as unknown as { Hls: { new (c: object): HlsLike; Events: Record<string, string> } }).Hls;
          const video = document.createElement('video');
          video.muted = true;
          document.body.appendChild(video);
          const hls = new Hls({});
          hls.on(Hls.Events.MANIFEST_PARSED!, () => {
            // hls.js orders levels by bitrate, lowest first: pick the rendition by its height.
            hls.currentLevel = hls.levels.findIndex((l) => l.height === want);
            void video.play();
          });
          hls.loadSource(src);
          hls.attachMedia(video);
          const deadline = Date.now() + 30_000;
          while (video.currentTime < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
          const h = video.currentTime >= 3 ? video.videoHeight : -1;
          hls.destroy();
          video.remove();
          return h;
        }, { src: ready.playbackUrl!, want });
        expect(height, `rendition ${ready.renditions[level]}`).toBe(want);
      }
      await context.close();
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-30_000)}`);
      throw error;
    }
  });
});
