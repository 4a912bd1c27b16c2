import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type Hls from 'hls.js';
import { playable, publishedSeconds, variants } from '@onda/testing';
import { startNginxRtmp, NGINX_FRAGMENT_SECONDS, NGINX_PLAYLIST_SECONDS, type NginxRtmp } from '../support/nginx-rtmp.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { OndaTrace } from './onda-trace.js';

/**
 * One side of the live-latency comparison. Add a contender by adding a factory to LIVE_CONTENDERS: the suite
 * gives every contender the same source, publisher, viewer cases and probe.
 */
export interface Contender {
  id: string;
  label: string;
  /** How it is configured, for the results file. */
  config: Record<string, unknown>;
  /** Sets up one broadcast: a fresh channel/stream key (and whatever server it needs). */
  prepare(name: string, log: (line: string) => void): Promise<Broadcast>;
  /** Stops what the contender kept running across broadcasts. */
  stop(): Promise<void>;
}

export interface Broadcast {
  publishUrl: string;
  /** Navigates the (probed) page to the viewer; the page must end up playing the broadcast in a <video>. */
  openViewer(page: Page): Promise<void>;
  /** Whether a viewer could start now: the first media playlist lists a segment. */
  playable(): Promise<boolean>;
  /** Called every ~40 ms until playable and a little after: notes where the time goes. */
  trace?(): Promise<void>;
  /** Media seconds published so far in the first media playlist (null while unknown): the pipeline's share. */
  publishedSeconds?(): Promise<number | null>;
  /** Milestones found by trace, in epoch ms. */
  milestones?(): Record<string, number>;
  /** Ends the broadcast's server side (after the publisher and the viewer are gone). */
  finish(): Promise<void>;
}

declare global {
  interface Window {
    Hls?: typeof Hls;
  }
}

const hlsPath = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

/**
 * A do-it-yourself viewer page on nginx's own origin: waits for the playlist (polling it every 500 ms, as
 * such a page must without a push channel), then plays it with hls.js defaults.
 */
async function openHlsJsPage(page: Page, origin: string, playlistUrl: string): Promise<void> {
  const url = `${origin}/__bench/viewer.html`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><video muted autoplay playsinline></video>' }));
  await page.goto(url);
  await page.addScriptTag({ path: hlsPath });
  await page.evaluate((src) => {
    const video = document.querySelector('video')!;
    const start = (): void => {
      const hls = new window.Hls!();
      hls.on(window.Hls!.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
      hls.loadSource(src);
      hls.attachMedia(video);
    };
    const wait = (): void => {
      fetch(src, { cache: 'no-store' }).then((r) => (r.ok ? r.text() : ''), () => '').then((text) => {
        if (text.includes('#EXTINF')) start();
        else setTimeout(wait, 500);
      }, () => setTimeout(wait, 500));
    };
    wait();
  }, playlistUrl);
}

/** nginx + libnginx-mod-rtmp from Debian, HLS 2 s fragments, hls.js defaults: the anchor. */
export function nginxContender(): Contender {
  let nginx: NginxRtmp | null = null;
  return {
    id: 'nginx-rtmp',
    label: 'nginx-rtmp (Debian), HLS 2 s, hls.js defaults',
    config: { hlsFragmentSeconds: NGINX_FRAGMENT_SECONDS, hlsPlaylistLengthSeconds: NGINX_PLAYLIST_SECONDS, transcode: 'none (source repackaged)', player: 'hls.js 1.7.4 defaults' },
    async prepare(name, log) {
      nginx ??= await startNginxRtmp(log);
      const n = nginx;
      const playlistUrl = `${n.hlsBaseUrl}/${name}.m3u8`;
      return {
        publishUrl: `${n.rtmpUrl}/${name}`,
        openViewer: (page) => openHlsJsPage(page, n.httpUrl, playlistUrl),
        async playable() {
          const res = await fetch(playlistUrl, { cache: 'no-store' });
          return res.ok && (await res.text()).includes('#EXTINF');
        },
        async finish() {},
      };
    },
    async stop() {
      await nginx?.stop();
      nginx = null;
    },
  };
}

/**
 * Onda as `npm start` runs it (embedded mode), a fresh platform per broadcast so the VOD encode of one
 * recording never runs under the next measurement; channel defaults (recording on) plus `settings`.
 * Viewers use Onda's own channel page.
 */
export function ondaContender(id: string, label: string, settings: Record<string, unknown> = {}): Contender {
  let platform: Platform | null = null;
  return {
    id,
    label,
    config: { channel: { recording: 'default (on)', ...settings }, mode: 'embedded (onda all)', viewer: 'channel page /c/:slug' },
    async prepare(name, log) {
      // Once more on failure: embedded PostgreSQL picks its port when it starts, and another platform on
      // the same machine may take it first.
      platform = await startPlatform().catch((e: unknown) => {
        log(`${id}: platform did not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); retrying`);
        return startPlatform();
      });
      const p = platform;
      log(`${id}: platform up at ${p.apiUrl}`);
      const publishUrl = await p.createChannel(name, settings);
      const trace = new OndaTrace(p, name);
      return {
        publishUrl,
        async openViewer(page) {
          await page.goto(`${p.apiUrl}/c/${name}`);
        },
        async playable() {
          const url = trace.playbackUrl;
          return url !== null && (await playable(url, 1));
        },
        trace: () => trace.poll(),
        async publishedSeconds() {
          const url = trace.playbackUrl;
          if (url === null) return null;
          const master = await (await fetch(url, { cache: 'no-store' })).text();
          const first = variants(url, master)[0];
          return first ? publishedSeconds(first.uri) : null;
        },
        milestones: () => trace.milestones,
        async finish() {
          await p.stop();
          platform = null;
        },
      };
    },
    async stop() {
      await platform?.stop();
      platform = null;
    },
  };
}

/** Every contender the suite knows, in the order they run. */
export const LIVE_CONTENDERS: Record<string, () => Contender> = {
  'nginx-rtmp': nginxContender,
  'onda-normal': () => ondaContender('onda-normal', 'Onda, normal latency (2 s segments)'),
  'onda-low': () => ondaContender('onda-low', 'Onda, low latency (LL-HLS, 0.33 s parts)', { latencyMode: 'low' }),
};
