import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createChannel, launchChromium, playable, sleep, type ApiCall } from '@onda/testing';
import { watchLoad, type WindowLoad } from '../support/machine.js';
import { repoRoot } from '../support/platform.js';
import { publishObs, type ObsPublisher, type ObsSource } from '../support/obs-source.js';
import { secs, summarize, type Summary } from '../support/stats.js';
import { perMinute, slopeMsPerMinute, type MinuteStat } from '../support/timeline.js';
import { installViewerProbe, latencies, readViewerLog } from '../support/viewer.js';

/** One broadcast of a long run: its source, where it is published, and how a viewer opens it. */
export interface Stream {
  /** Its name in logs and results (the channel slug). */
  name: string;
  source: ObsSource;
  publishUrl: string;
  /** Navigates the probed page to the viewer; called before the publish (a viewer waiting on the page). */
  openViewer(page: Page): Promise<void>;
  /** Whether a viewer could start now (the first media playlist lists media). */
  playable(): Promise<boolean>;
  /** The broadcast's live session id, once the API knows it. */
  sessionId(): Promise<string | null>;
}

/** What one viewer of one broadcast saw over the whole run. */
export interface StreamFigures {
  name: string;
  fps: number;
  height: number;
  /** From the publisher's spawn to the first media playlist with media (null: not within the run). */
  publishToPlayableMs: number | null;
  /** From the publisher's spawn to the first frame on screen. */
  firstFrameMs: number | null;
  latency: Summary;
  /** Glass-to-glass per minute since frame 0 was sent. */
  minutes: MinuteStat[];
  /** Least-squares drift over the run, and over the run without its first minute (steady state). */
  slopeMsPerMinute: number;
  steadySlopeMsPerMinute: number;
  droppedSamples: number;
  stallMs: number;
  stalls: number;
  watchedMs: number;
  stallRatio: number;
}

export interface WatchOptions {
  seconds: number;
  log: (line: string) => void;
  /** Called about every `tickMs` during the run (e.g. to sample the overload controller). */
  tick?: () => Promise<void>;
  tickMs?: number;
  /** Called with each stream's page before its viewer opens (e.g. to route its requests). */
  preparePage?: (page: Page, stream: Stream) => Promise<void>;
}

/**
 * Publishes every stream at once from its own `ffmpeg -re -c copy` and watches each in its own page of
 * one Chromium on the same machine, the viewer waiting on the page before the publish; glass-to-glass is
 * read from the displayed frame every 0.5 s for `seconds`, then summarised overall and per minute.
 */
export async function watchStreams(streams: readonly Stream[], o: WatchOptions): Promise<{ streams: StreamFigures[]; load: WindowLoad }> {
  const browser = await launchChromium({ unthrottledBackground: true });
  const publishers: ObsPublisher[] = [];
  try {
    const pages: Page[] = [];
    for (const s of streams) {
      const page = await browser.newPage();
      await installViewerProbe(page, s.source.width, s.source.height);
      await o.preparePage?.(page, s);
      await s.openViewer(page);
      pages.push(page);
    }
    await sleep(1000);
    const endLoad = watchLoad();
    for (const s of streams) publishers.push(publishObs(s.source, s.publishUrl));
    const t0 = Math.min(...publishers.map((p) => p.spawnedAt));
    const end = t0 + o.seconds * 1000;
    const playableAt: Array<number | null> = streams.map(() => null);
    let nextTick = Date.now();
    let nextReport = t0 + 60_000;
    while (Date.now() < end) {
      for (const [i, p] of publishers.entries()) {
        if (p.child.exitCode !== null) throw new Error(`${streams[i]!.name}: publisher exited ${p.child.exitCode}:\n${p.output().slice(-3000)}`);
        if (playableAt[i] === null && (await streams[i]!.playable().catch(() => false))) playableAt[i] = Date.now();
      }
      if (o.tick && Date.now() >= nextTick) {
        nextTick = Date.now() + (o.tickMs ?? 5000);
        await o.tick().catch((e: unknown) => o.log(`tick failed: ${e instanceof Error ? e.message : String(e)}`));
      }
      if (Date.now() >= nextReport) {
        nextReport += 60_000;
        o.log(`${Math.round((Date.now() - t0) / 60_000)} min of ${(o.seconds / 60).toFixed(1)}: ${streams.map((s) => s.name).join(', ')}`);
      }
      await sleep(playableAt.includes(null) ? 100 : 500);
    }
    const load = endLoad();
    const figures: StreamFigures[] = [];
    for (const [i, s] of streams.entries()) {
      const viewer = await readViewerLog(pages[i]!);
      const sentFrom = await Promise.race([publishers[i]!.sending, sleep(1000).then(() => publishers[i]!.spawnedAt)]);
      // Only the window: a slow answer from a loaded machine can make the last loop run past its end.
      const { ms, points, dropped } = latencies(viewer.samples.filter((x) => x.at < end), sentFrom, s.source.fps);
      const spawnedAt = publishers[i]!.spawnedAt;
      // Per minute and slope over whole minutes from frame 0's send: the few readings after the last one
      // (the publish began a moment after the window's start) would make a minute of a second.
      const timed = points.filter((p) => p.at < sentFrom + Math.max(1, Math.floor(o.seconds / 60)) * 60_000);
      const f: StreamFigures = {
        name: s.name, fps: s.source.fps, height: s.source.height,
        publishToPlayableMs: playableAt[i] === null ? null : playableAt[i]! - spawnedAt,
        firstFrameMs: viewer.firstFrameAt === null ? null : viewer.firstFrameAt - spawnedAt,
        latency: summarize(ms), minutes: perMinute(timed, sentFrom),
        slopeMsPerMinute: slopeMsPerMinute(timed), steadySlopeMsPerMinute: slopeMsPerMinute(timed.filter((p) => p.at >= sentFrom + 60_000)),
        droppedSamples: dropped, stallMs: viewer.stallMs, stalls: viewer.stalls, watchedMs: viewer.watchedMs,
        stallRatio: viewer.watchedMs > 0 ? viewer.stallMs / viewer.watchedMs : Number.NaN,
      };
      o.log(`${s.name} ${s.source.height}p${s.source.fps}: glass median ${secs(f.latency.median)} s (p90 ${secs(f.latency.p90)}, n ${f.latency.n}, dropped ${dropped}); per minute ${f.minutes.map((m) => secs(m.median)).join(' ')} s; slope ${f.slopeMsPerMinute.toFixed(0)} ms/min; stalls ${f.stalls} (${(f.stallRatio * 100).toFixed(2)} %)`);
      // A broadcast nobody saw is this run's result (an overloaded machine), not a reason to lose the others'.
      if (f.latency.n === 0) {
        o.log(`${s.name}: NO READABLE FRAME in the window (first frame ${viewer.firstFrameAt}, ${viewer.samples.length} samples)`);
        o.log(await keepEvidence(pages[i]!, s.name, viewer.trace));
      }
      figures.push(f);
    }
    return { streams: figures, load };
  } finally {
    await browser.close().catch(() => undefined);
    await Promise.all(publishers.map((p) => p.stop(3000)));
  }
}

/**
 * A viewer that showed nothing readable: its page (screenshot, address, the video element's state) and the
 * player trace are written to bench/out, so the cause (player never started, page reloaded, barcode unread)
 * can be told afterwards.
 */
async function keepEvidence(page: Page, name: string, trace: readonly unknown[]): Promise<string> {
  const dir = path.join(repoRoot, 'bench/out');
  await mkdir(dir, { recursive: true });
  const shot = path.join(dir, `${name}-no-frame.png`);
  await page.screenshot({ path: shot }).catch(() => undefined);
  const state = await page.evaluate(() => {
    const v = document.querySelector('video');
    return { href: location.href, video: v ? { src: v.currentSrc, readyState: v.readyState, paused: v.paused, currentTime: v.currentTime, error: v.error?.message ?? null, width: v.videoWidth, height: v.videoHeight } : null };
  }).catch((e: unknown) => ({ error: String(e) }));
  const file = path.join(dir, `${name}-no-frame.json`);
  await writeFile(file, JSON.stringify({ state, trace: trace.slice(-400) }, null, 1));
  return `${name}: page state ${JSON.stringify(state)}; evidence in ${shot} and ${file}`;
}

/** What GET /v1/channels/:slug tells about the channel's broadcast. */
interface LiveChannel {
  liveSession: { id: string; playbackUrl: string | null } | null;
}

/**
 * A broadcast on an Onda channel created for it (`settings` replace nothing: channel defaults, recording on,
 * plus what is given), watched on Onda's channel page at `viewerOrigin`.
 */
export async function ondaStream(api: ApiCall, viewerOrigin: string, slug: string, source: ObsSource, settings: Record<string, unknown> = {}): Promise<Stream> {
  const { publishUrl } = await createChannel(api, { slug, title: `Bench ${slug}`, ...settings });
  const session = async (): Promise<LiveChannel['liveSession']> => (await api<LiveChannel>(`/v1/channels/${slug}`)).body?.liveSession ?? null;
  return {
    name: slug, source, publishUrl,
    openViewer: async (page) => void (await page.goto(`${viewerOrigin}/c/${slug}`)),
    async playable() {
      const url = (await session())?.playbackUrl;
      return !!url && (await playable(url, 1));
    },
    sessionId: async () => (await session())?.id ?? null,
  };
}
