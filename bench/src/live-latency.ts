import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, sleep } from '@onda/testing';
import { LIVE_CONTENDERS, type Contender } from './live/contenders.js';
import type { Row } from './report.js';
import { repoRoot } from './support/platform.js';
import { watchLoad, type WindowLoad } from './support/machine.js';
import { obsSource, publishObs, OBS_HEIGHT, type ObsSource } from './support/obs-source.js';
import { secs, summarize, type Summary } from './support/stats.js';
import { installViewerProbe, latencies, readViewerLog, type FrameSample } from './support/viewer.js';

export const GLASS_TARGET_MS = 4000;
export const PLAYABLE_TARGET_MS = 2000;
/** Low-latency mode's targets (LL-HLS issue): glass-to-glass and publish-to-playable. */
export const LL_GLASS_TARGET_MS = 2000;
export const LL_PLAYABLE_TARGET_MS = 1500;
const glassTarget = (id: string): number => (id === 'onda-low' ? LL_GLASS_TARGET_MS : GLASS_TARGET_MS);
const playableTarget = (id: string): number => (id === 'onda-low' ? LL_PLAYABLE_TARGET_MS : PLAYABLE_TARGET_MS);
const TRACE_MS = 40;

export type ViewerCase = 'waiting' | 'join';

export interface LiveOptions {
  /** Length of each broadcast (the waiting viewer watches all of it; the joining one from `joinSeconds`). */
  seconds: number;
  joinSeconds: number;
  fps: number[];
  contenders: string[];
  cases: ViewerCase[];
  /** Source height (default 1080); smaller sources are for functional checks on a busy machine. */
  height: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { seconds: 60, joinSeconds: 20, fps: [30, 60], contenders: Object.keys(LIVE_CONTENDERS), cases: ['waiting', 'join'], height: OBS_HEIGHT };

/** One broadcast watched by one viewer. */
export interface LiveCaseResult {
  contender: string;
  fps: number;
  viewer: ViewerCase;
  /** From the publisher's spawn: first media playlist with a segment (null: never within the broadcast). */
  publishToPlayableMs: number | null;
  /** From the publisher's spawn (waiting viewer) or from opening the page (joining viewer). */
  firstFrameMs: number | null;
  latency: Summary;
  latenciesMs: number[];
  /**
   * Pipeline lag, sampled every 0.5 s in the window: time since frame 0 was sent minus the media time the
   * first media playlist has published (its segments, and in low latency the parts of the open segment):
   * how old the newest published media is. What the player adds is glass-to-glass minus this.
   */
  pipelineLag: Summary;
  /** Samples whose barcode could not be right (a frame not sent yet, or going backwards). */
  droppedSamples: number;
  stallMs: number;
  stalls: number;
  watchedMs: number;
  stallRatio: number;
  /**
   * Milestones in ms after the publisher's spawn: publishAccepted (the publisher began sending; frame 0's
   * send time, which glass-to-glass counts from), playable, firstFrame, and Onda's pipeline steps.
   */
  breakdown: Record<string, number>;
  load: WindowLoad;
  samples: FrameSample[];
}

export interface LiveResult {
  options: LiveOptions;
  sources: Array<Omit<ObsSource, 'file'>>;
  contenders: Array<{ id: string; label: string; config: Record<string, unknown> }>;
  cases: LiveCaseResult[];
}

async function runCase(contender: Contender, source: ObsSource, viewer: ViewerCase, opts: LiveOptions, log: (line: string) => void): Promise<LiveCaseResult> {
  const name = `bench-${contender.id}-${source.fps}-${viewer}-${Date.now().toString(36)}`;
  const b = await contender.prepare(name, log);
  const browser = await launchChromium({ unthrottledBackground: true });
  const publisher = { current: null as ReturnType<typeof publishObs> | null };
  try {
    const page: Page = await browser.newPage();
    await installViewerProbe(page, source.width, source.height);
    if (viewer === 'waiting') {
      await b.openViewer(page);
      await sleep(1000);
    }
    const endLoad = watchLoad();
    const pub = publishObs(source, b.publishUrl);
    publisher.current = pub;
    const t0 = pub.spawnedAt;
    const sending = pub.sending;
    let playableAt: number | null = null;
    let traceDone = false;
    const tracing = (async () => {
      // Trace until playable and a second more (the last milestones land around then), within the broadcast.
      while (!traceDone && Date.now() - t0 < opts.seconds * 1000 && (playableAt === null || Date.now() - playableAt < 1000)) {
        await b.trace?.().catch(() => undefined);
        if (playableAt === null && (await b.playable().catch(() => false))) playableAt = Date.now();
        await sleep(TRACE_MS);
      }
    })();
    let openedAt = t0;
    if (viewer === 'join') {
      await sleep(t0 + opts.joinSeconds * 1000 - Date.now());
      openedAt = Date.now();
      await b.openViewer(page);
    }
    const end = t0 + opts.seconds * 1000;
    const lags: number[] = [];
    let nextLag = Date.now();
    while (Date.now() < end && pub.child.exitCode === null) {
      if (b.publishedSeconds && playableAt !== null && Date.now() >= nextLag) {
        // Every 0.5 s: a 2 s cadence locks onto the 2 s segment clock and reads the same phase all run.
        nextLag = Date.now() + 500;
        const [published, sent] = await Promise.all([b.publishedSeconds().catch(() => null), sending]);
        if (published !== null) lags.push(Date.now() - sent - published * 1000);
      }
      await sleep(250);
    }
    if (pub.child.exitCode !== null && pub.child.exitCode !== 0) throw new Error(`publisher exited ${pub.child.exitCode}:\n${pub.output()}`);
    const viewerLog = await readViewerLog(page);
    const load = endLoad();
    traceDone = true;
    await tracing;
    const sentFrom = await Promise.race([sending, sleep(1000).then(() => t0)]);
    const { ms, dropped } = latencies(viewerLog.samples, sentFrom, source.fps);
    const breakdown = Object.fromEntries(Object.entries(b.milestones?.() ?? {}).map(([k, v]) => [k, Math.round(v - t0)]));
    breakdown.publishAccepted = sentFrom - t0;
    if (playableAt !== null) breakdown.playable = playableAt - t0;
    if (viewerLog.firstFrameAt !== null) breakdown.firstFrame = viewerLog.firstFrameAt - t0;
    const r: LiveCaseResult = {
      contender: contender.id, fps: source.fps, viewer,
      publishToPlayableMs: playableAt === null ? null : playableAt - t0,
      firstFrameMs: viewerLog.firstFrameAt === null ? null : viewerLog.firstFrameAt - openedAt,
      latency: summarize(ms), latenciesMs: ms, pipelineLag: summarize(lags), droppedSamples: dropped,
      stallMs: viewerLog.stallMs, stalls: viewerLog.stalls, watchedMs: viewerLog.watchedMs,
      stallRatio: viewerLog.watchedMs > 0 ? viewerLog.stallMs / viewerLog.watchedMs : Number.NaN,
      breakdown, load, samples: viewerLog.samples,
    };
    // The player's timeline beside the milestones (ms after the publisher's spawn), for tracing a case.
    const traceFile = path.join(repoRoot, 'bench/out', `live-trace-${contender.id}-${source.fps}-${viewer}.json`);
    await mkdir(path.dirname(traceFile), { recursive: true });
    await writeFile(traceFile, JSON.stringify({ t0, sentFrom, breakdown, trace: viewerLog.trace.map((row) => ({ ...row, at: row.at - t0 })), samples: viewerLog.samples.map((x) => ({ t: x.at - t0, glass: x.at - sentFrom - (x.frame * 1000) / source.fps })) }));
    log(`live ${contender.id} ${source.fps}fps ${viewer}: glass median ${secs(r.latency.median)} s (p90 ${secs(r.latency.p90)}, n ${r.latency.n}, dropped ${dropped}), pipeline lag ${lags.map(secs).join(' ')} s, playable ${r.publishToPlayableMs === null ? '-' : secs(r.publishToPlayableMs)} s, stalls ${r.stalls} (${(r.stallRatio * 100).toFixed(2)}%), busy cores ${load.busyCores}, breakdown ${JSON.stringify(breakdown)}`);
    if (r.latency.n === 0) throw new Error(`${contender.id} ${source.fps}fps ${viewer}: no readable frame (first frame ${viewerLog.firstFrameAt}, ${viewerLog.samples.length} samples)`);
    return r;
  } finally {
    await browser.close().catch(() => undefined);
    await publisher.current?.stop(3000);
    await b.finish();
  }
}

/**
 * The live-latency suite: every contender receives the same OBS-like source from a separate `ffmpeg -re
 * -c copy` process and is watched in Chromium, once by a viewer waiting on the page before the publish and
 * once by a viewer joining `joinSeconds` in, at each source frame rate. One broadcast at a time.
 */
export async function benchLive(log: (line: string) => void, options: Partial<LiveOptions> = {}): Promise<LiveResult> {
  const opts = { ...DEFAULT_LIVE_OPTIONS, ...options };
  for (const id of opts.contenders) if (!LIVE_CONTENDERS[id]) throw new Error(`unknown live contender "${id}"; choose from ${Object.keys(LIVE_CONTENDERS).join(', ')}`);
  const contenders = opts.contenders.map((id) => LIVE_CONTENDERS[id]!());
  const sources: ObsSource[] = [];
  const cases: LiveCaseResult[] = [];
  try {
    for (const fps of opts.fps) {
      log(`live: OBS-like ${opts.height}p${fps} source (made once into bench/out/cache)`);
      // A few seconds longer than the broadcast, so the publisher never ends inside the window.
      const source = obsSource(fps, opts.seconds + 5, opts.height);
      sources.push(source);
      for (const c of contenders) for (const viewer of opts.cases) cases.push(await runCase(c, source, viewer, opts, log));
    }
  } finally {
    for (const c of contenders) await c.stop();
  }
  return {
    options: opts,
    sources: sources.map(({ file: _file, ...s }) => s),
    contenders: contenders.map(({ id, label, config }) => ({ id, label, config })),
    cases,
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : '-');

/** Table rows: glass-to-glass per contender, frame rate and viewer; publish-to-playable; Onda's breakdown. */
export function liveRows(r: LiveResult): Row[] {
  const rows: Row[] = [];
  const label = (id: string): string => r.contenders.find((c) => c.id === id)?.label ?? id;
  const anchor = (fps: number, viewer: ViewerCase): LiveCaseResult | undefined => r.cases.find((c) => c.contender === 'nginx-rtmp' && c.fps === fps && c.viewer === viewer);
  for (const c of r.cases) {
    const who = c.viewer === 'waiting' ? 'viewer waiting before the publish' : `viewer joining ${r.options.joinSeconds} s in`;
    const isOnda = c.contender.startsWith('onda');
    const a = anchor(c.fps, c.viewer);
    const goal = glassTarget(c.contender);
    const target = isOnda && c.fps === 30 && r.options.height === OBS_HEIGHT ? `<= ${secs(goal)} s${a ? ' and below nginx-rtmp' : ''}` : '';
    const ok = target ? c.latency.median <= goal && (!a || c.latency.median < a.latency.median) : null;
    rows.push({
      bench: 'live latency',
      metric: `glass-to-glass, ${r.options.height}p${c.fps}, ${who}: ${label(c.contender)}: median / p90 (n); stall ratio; first frame`,
      value: `${secs(c.latency.median)} / ${secs(c.latency.p90)} s (${c.latency.n}); stalls ${pct(c.stallRatio)}; first frame ${c.firstFrameMs === null ? '-' : `${secs(c.firstFrameMs)} s`}${c.pipelineLag.n ? `; pipeline lag median ${secs(c.pipelineLag.median)} s` : ''}`,
      target,
      ok,
    });
  }
  const byContenderFps = new Map<string, LiveCaseResult[]>();
  for (const c of r.cases) {
    const key = `${c.contender}@${c.fps}`;
    byContenderFps.set(key, [...(byContenderFps.get(key) ?? []), c]);
  }
  for (const [key, cs] of byContenderFps) {
    const [id, fps] = key.split('@');
    const p = cs.map((c) => c.publishToPlayableMs).filter((x): x is number => x !== null);
    const s = summarize(p);
    const isOnda = id!.startsWith('onda');
    rows.push({
      bench: 'live latency',
      metric: `publish-to-playable (first media playlist with a segment), ${r.options.height}p${fps}: ${label(id!)}: median (runs)`,
      value: p.length ? `${secs(s.median)} s (${p.length})` : '-',
      target: isOnda && r.options.height === OBS_HEIGHT ? `<= ${secs(playableTarget(id!))} s` : '',
      ok: isOnda && r.options.height === OBS_HEIGHT && p.length ? s.median <= playableTarget(id!) : null,
    });
    if (isOnda) {
      const steps = ['publishAccepted', 'ingestAccepted', 'ffmpegSpawned', 'firstSegmentWritten', 'segmentUploaded', 'playlistPublished', 'masterPublished', 'apiLive', 'playable', 'firstFrame'];
      const waiting = cs.filter((c) => c.viewer === 'waiting');
      const parts = steps.flatMap((step) => {
        const v = waiting.map((c) => c.breakdown[step]).filter((x): x is number => x !== undefined);
        return v.length ? [`${step} ${secs(summarize(v).median)}`] : [];
      });
      rows.push({ bench: 'live latency', metric: `where the time goes, ${r.options.height}p${fps}, ${label(id!)}, waiting viewer: s after the publisher's spawn`, value: parts.join(' · '), target: '', ok: null });
    }
  }
  return rows;
}
