import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import type Hls from 'hls.js';
import { launchChromium, publishedSeconds, sleep, variantUrl, waitFor } from '@onda/testing';
import { barcodeCentres, decodeBarcode, plausibleFrames } from './support/barcode.js';
import { ENCODER_FPS, publish } from './support/encoder.js';
import type { Platform } from './support/platform.js';
import { secs, summarize, type Summary } from './support/stats.js';
import type { Row } from './report.js';

const SAMPLES = 12;
const SAMPLE_EVERY_MS = 500;
const TARGET_MS = 5000;
/** Viewers usually join a broadcast in progress: measure steady state, not the first segments. */
const WARM_UP_MS = 10_000;
const PLAYER_SETTLE_MS = 4_000;

declare global {
  interface Window {
    __onda?: { hls: Hls | null };
    __bench?: { hls: Hls };
    Hls?: typeof Hls;
  }
}

/** One player's latency figures. */
export interface PlayerLatency {
  player: string;
  latency: Summary;
  frames: number[];
  latenciesMs: number[];
}

/** Results of the glass-to-glass benchmark: Onda's player and bare hls.js, same broadcast, same moments. */
export interface GlassResult {
  players: PlayerLatency[];
  /** Wall time since the encoder started minus media time published in the 720p playlist: the pipeline's share. */
  edgeLag: Summary;
}

interface Player {
  name: string;
  page: Page;
  /** Expression evaluating to the page's hls.js instance. */
  hls: '__onda' | '__bench';
}

const hlsPath = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

/** A page on the API's origin (so playlists need no CORS) running hls.js with its default config. */
async function openBareHls(browser: Browser, apiUrl: string, playbackUrl: string): Promise<Page> {
  const page = await browser.newPage();
  const url = `${apiUrl}/__bench/hlsjs.html`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><video muted autoplay playsinline></video>' }));
  await page.goto(url);
  await page.addScriptTag({ path: hlsPath });
  await page.evaluate((src) => {
    const video = document.querySelector('video')!;
    const hls = new window.Hls!();
    window.__bench = { hls };
    hls.on(window.Hls!.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
    hls.loadSource(src);
    hls.attachMedia(video);
  }, playbackUrl);
  return page;
}

/** Pins the 720p level and waits until that level's frames are on screen and time advances. */
async function pin720(player: Player): Promise<void> {
  const { page, hls } = player;
  const level = await page.waitForFunction((key) => {
    const h = window[key]?.hls;
    const i = h?.levels.findIndex((l) => l.height === 720) ?? -1;
    return i >= 0 ? i : null;
  }, hls, { timeout: 30_000 });
  const index = (await level.jsonValue()) as number;
  await page.evaluate(({ key, index }) => {
    window[key]!.hls!.currentLevel = index;
  }, { key: hls, index });
  await page.waitForFunction(({ key, index }) => {
    const video = document.querySelector('video');
    return window[key]?.hls?.currentLevel === index && video !== null && video.videoWidth === 1280 && !video.paused && video.readyState >= 3;
  }, { key: hls, index }, { timeout: 30_000 });
  const t = await page.evaluate(() => document.querySelector('video')!.currentTime);
  await page.waitForFunction((t0) => document.querySelector('video')!.currentTime > t0 + 1, t, { timeout: 20_000 });
}

/** Grabs the frame on screen and reads the luma under each barcode box. */
async function sample(page: Page): Promise<{ lumas: number[]; at: number; width: number }> {
  const centres = barcodeCentres(1280, 720);
  return page.evaluate((points) => {
    const video = document.querySelector('video')!;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0);
    const at = Date.now();
    // A 5x5 patch per box: one pixel could land on a compression artefact.
    const lumas = points.map(({ x, y }) => {
      const d = ctx.getImageData(x - 2, y - 2, 5, 5).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
      return sum / (d.length / 4);
    });
    return { lumas, at, width: video.videoWidth };
  }, centres);
}

/** Glass-to-glass latency of Onda's player and of bare hls.js, sampled alternately on one broadcast. */
export async function benchGlassToGlass(platform: Platform, log: (line: string) => void): Promise<GlassResult> {
  const slug = 'bench-glass';
  const publishUrl = await platform.createChannel(slug);
  const publisher = publish(publishUrl, { seconds: 120, barcode: true });
  let browser: Browser | null = null;
  try {
    const live = await waitFor('the glass channel to go live', async () => {
      if (publisher.child.exitCode !== null) throw new Error(`publisher exited:\n${publisher.output()}`);
      const c = await platform.channel(slug);
      return c.status === 'live' ? c.liveSession?.playbackUrl : null;
    }, 30_000, 100);
    const edgeUrl = await variantUrl(live, '1280x720');
    await sleep(publisher.spawnedAt + WARM_UP_MS - Date.now());
    browser = await launchChromium({ unthrottledBackground: true });
    const b = browser;
    // One player at a time: two software-decoding Chromium players on a 2-core server would starve
    // the transcoder they are measuring.
    const players: Array<{ name: string; hls: Player['hls']; open: () => Promise<Player['page']> }> = [
      {
        name: 'Onda player (/c/:slug, liveSyncDuration 3 s)',
        hls: '__onda',
        open: async () => {
          const page = await b.newPage();
          await page.goto(`${platform.apiUrl}/c/${slug}`);
          return page;
        },
      },
      { name: 'hls.js defaults (liveSyncDurationCount 3)', hls: '__bench', open: () => openBareHls(b, platform.apiUrl, live) },
    ];

    const samples = players.map(() => [] as Array<{ frame: number; at: number }>);
    const edgeLags: number[] = [];
    for (const [p, def] of players.entries()) {
      const player: Player = { name: def.name, hls: def.hls, page: await def.open() };
      await pin720(player);
      // Let the player settle at its live position after the level switch.
      await sleep(PLAYER_SETTLE_MS);
      log(`glass-to-glass: ${player.name} on 720p, sampling`);
      for (let i = 0; i < SAMPLES; i++) {
        const tick = sleep(SAMPLE_EVERY_MS);
        const published = await publishedSeconds(edgeUrl);
        if (published !== null) edgeLags.push(Date.now() - publisher.spawnedAt - published * 1000);
        const s = await sample(player.page);
        if (s.width === 1280) samples[p]!.push({ frame: decodeBarcode(s.lumas), at: s.at });
        await tick;
      }
      await player.page.close();
    }

    log(`glass-to-glass edge lag (wall - published media time): ${edgeLags.map(secs).join(' ')} s`);
    return {
      edgeLag: summarize(edgeLags),
      players: players.map((player, p) => {
        const got = samples[p]!;
        if (got.length < SAMPLES / 2 || !plausibleFrames(got, publisher.spawnedAt, ENCODER_FPS)) {
          throw new Error(`${player.name}: implausible barcode frames ${JSON.stringify(got.map((s) => s.frame))}`);
        }
        const latencies = got.map((s) => s.at - (publisher.spawnedAt + (s.frame * 1000) / ENCODER_FPS));
        log(`glass-to-glass ${player.name}: frames ${got.map((s) => s.frame).join(' ')}; latency ${latencies.map(secs).join(' ')} s`);
        return { player: player.name, latency: summarize(latencies), frames: got.map((s) => s.frame), latenciesMs: latencies };
      }),
    };
  } finally {
    await browser?.close();
    await publisher.stop(3000);
  }
}

/** Table rows for the report. */
export function glassRows(r: GlassResult): Row[] {
  const [onda, bare] = r.players;
  const rows: Row[] = r.players.map((p, i) => ({
    bench: 'glass-to-glass',
    metric: `${p.player}: median / p90 (${p.latency.n} samples)`,
    value: `${secs(p.latency.median)} / ${secs(p.latency.p90)} s`,
    target: i === 0 ? `<= ${secs(TARGET_MS)} s` : '',
    ok: i === 0 ? p.latency.median <= TARGET_MS : null,
  }));
  rows.push({ bench: 'glass-to-glass', metric: 'of which pipeline: encoder start -> newest 720p segment published (median)', value: `${secs(r.edgeLag.median)} s`, target: '', ok: null });
  if (onda && bare) {
    rows.push({ bench: 'glass-to-glass', metric: 'Onda / hls.js defaults (median)', value: `x${(onda.latency.median / bare.latency.median).toFixed(2)} (${secs(bare.latency.median - onda.latency.median)} s less)`, target: '', ok: null });
  }
  return rows;
}
