import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { apiClient, createChannel, goLive, text, variants, waitFor, waitVodReady, type LiveSession, type VodState } from '@onda/testing';
import { platformAndBrowser } from './support/browser-suite.js';

const exec = promisify(execFile);

interface ChannelBody {
  status: 'offline' | 'live';
}

interface HlsProbe {
  lowLatencyMode: boolean;
  parts: number;
  latency: number;
  targetLatency: number | null;
  playbackRate: number;
  currentTime: number;
}

/**
 * A low-latency channel end to end in embedded mode: the real ingest, worker (LL packager), storage
 * and API (blocking reload), played by hls.js in Chromium with parts; then replay and VOD.
 */
describe('low-latency broadcast', () => {
  const e2e = platformAndBrowser();

  const api = apiClient(() => e2e.platform);

  it('plays with parts a few seconds behind live, falls back to segments for ffprobe, and records a VOD', { timeout: 400_000 }, async () => {
    try {
      const slug = 'll-e2e';
      await createChannel(api, { slug, title: '저지연 방송', latencyMode: 'low', recording: true, reconnectWindowSeconds: 5 });
      const page = await e2e.browser.newPage();
      // Every playlist request hls.js makes, with its answer: blocking reload and delta updates in use.
      const playlistCalls: Array<{ url: string; status: number }> = [];
      page.on('response', (r) => {
        if (/\/(480p|360p)\/index\.m3u8/.test(r.url())) playlistCalls.push({ url: r.url(), status: r.status() });
      });
      await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
      await page.getByTestId('offline-state').waitFor({ timeout: 15_000 });

      // 480p keeps the 2 shared cores in real time: a 480p + 360p ladder.
      const { publisher, session: live } = await goLive<LiveSession & { latencyMode: string }>(api, slug, { seconds: 40, size: '854x480' });
      expect(live.latencyMode).toBe('low');
      expect((await api<{ latencyMode: string }>(`/v1/channels/${slug}/playback`)).body.latencyMode).toBe('low');
      const ladder = variants(live.playbackUrl, await text(live.playbackUrl));
      expect(ladder.map((v) => v.uri.split('/').at(-2))).toEqual(['480p', '360p']);

      // The served playlists follow the LL-HLS rules; a blocking request for the next part is held, then answered.
      await waitFor('a complete segment', async () => parseLlPlaylist(await text(ladder[0]!.uri)).segments.length > 0, 20_000, 250);
      const first = await text(ladder[0]!.uri);
      expect(validateLlPlaylist(first, { requireParts: true })).toEqual([]);
      expect(first).toContain('#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8"');
      const p = parseLlPlaylist(first);
      const nextMsn = p.mediaSequence + p.segments.length;
      const started = Date.now();
      const held = await fetch(`${ladder[0]!.uri}?_HLS_msn=${nextMsn}&_HLS_part=${p.openParts.length}`);
      expect(held.status).toBe(200);
      const after = await held.text();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(validateLlPlaylist(after, { requireParts: true })).toEqual([]);
      expect(validateLlUpdate(first, after)).toEqual([]);
      expect(parseLlPlaylist(after).openParts.length).toBeGreaterThan(p.openParts.length);

      // Chromium: hls.js in low-latency mode, loading parts, catching up by rate to about PART-HOLD-BACK.
      await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 3, undefined, { timeout: 45_000 });
      const samples: HlsProbe[] = [];
      for (let i = 0; i < 12; i++) {
        samples.push(await page.evaluate(() => {
          const hls = (window as unknown as { __onda: { hls: { config: { lowLatencyMode: boolean }; levels: Array<{ details?: { partList: unknown[] | null } }>; currentLevel: number; latency: number; targetLatency: number | null } } }).__onda.hls;
          const level = hls.levels[Math.max(0, hls.currentLevel)];
          const video = document.querySelector('video')!;
          return { lowLatencyMode: hls.config.lowLatencyMode, parts: level?.details?.partList?.length ?? 0, latency: hls.latency, targetLatency: hls.targetLatency, playbackRate: video.playbackRate, currentTime: video.currentTime };
        }));
        await new Promise((r) => setTimeout(r, 1000));
      }
      console.log(`low-latency e2e samples: ${JSON.stringify(samples.map((s) => ({ latency: +s.latency.toFixed(2), target: s.targetLatency, rate: s.playbackRate })))}`);
      expect(samples.every((s) => s.lowLatencyMode && s.parts > 0)).toBe(true);
      const statuses = playlistCalls.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {});
      console.log(`hls.js playlist requests: ${playlistCalls.length}, by status ${JSON.stringify(statuses)}, blocking ${playlistCalls.filter((c) => c.url.includes('_HLS_msn=')).length}, delta ${playlistCalls.filter((c) => c.url.includes('_HLS_skip=')).length}`);
      expect(playlistCalls.filter((c) => c.url.includes('_HLS_msn=') && c.status === 200).length).toBeGreaterThan(20);
      expect(playlistCalls.filter((c) => c.status === 400)).toEqual([]);
      expect(samples.at(-1)!.currentTime).toBeGreaterThan(samples[0]!.currentTime + 8);
      const last = samples.slice(-5).map((s) => s.latency).sort((a, b) => a - b);
      // Latency from the playlist's live edge (hls.js's own measure); several seconds of slack for a shared 2-core box.
      expect(last[2]!).toBeLessThan(4);

      // Clients without LL-HLS (ffprobe) read the same playlist's full segments.
      const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,height', '-of', 'json', ladder[1]!.uri]);
      const streams = (JSON.parse(stdout) as { streams: Array<{ codec_name: string; height?: number }> }).streams;
      expect(streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(streams.find((s) => s.codec_name === 'h264')!.height).toBe(360);

      expect(await publisher.exited).toBe(0);
      await waitFor('the session to end', async () => (await api<ChannelBody>(`/v1/channels/${slug}`)).body.status === 'offline', 40_000, 500);
      // Instant replay: the stored playlist of every segment, with ENDLIST; it plays from the start.
      for (const v of ladder) await waitFor(`ENDLIST in ${v.uri}`, async () => (await text(v.uri)).includes('#EXT-X-ENDLIST'), 20_000, 250);
      const replay = parseLlPlaylist(await text(ladder[0]!.uri));
      const replaySeconds = replay.segments.reduce((s, x) => s + x.duration, 0);
      expect(replaySeconds).toBeGreaterThan(34);
      const vod = await waitVodReady<VodState & { durationSeconds: number | null }>(api, live.id, 240_000, 1000);
      expect(vod.durationSeconds).toBeGreaterThan(37);
      expect(vod.durationSeconds).toBeLessThan(43);
      await page.close();
    } catch (error) {
      console.error(`platform logs:\n${e2e.platform.logs().slice(-30_000)}`);
      throw error;
    }
  });
});
