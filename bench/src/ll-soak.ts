import type { Page } from 'playwright-core';
import type { ApiCall } from '@onda/testing';
import { LL_GLASS_TARGET_MS, LL_PLAYABLE_TARGET_MS } from './live-latency.js';
import { streamRows } from './live/long-rows.js';
import { describeOverload, OverloadProbe, type OverloadSummary } from './live/overload-probe.js';
import { ondaStream, watchStreams, type Stream, type StreamFigures } from './live/watch.js';
import type { Row } from './report.js';
import { startCluster } from './support/cluster.js';
import type { WindowLoad } from './support/machine.js';
import { obsSource, OBS_HEIGHT, type ObsSource } from './support/obs-source.js';
import { startPlatform } from './support/platform.js';

/** Issue #11: stall ratio of a low-latency viewer over 5 minutes. */
export const LL_STALL_TARGET = 0.01;

export type LlMode = 'embedded' | 'scale-out';

export interface LlSoakOptions {
  minutes: number;
  height: number;
  modes: LlMode[];
}

export const DEFAULT_LL_SOAK_OPTIONS: LlSoakOptions = { minutes: 5, height: OBS_HEIGHT, modes: ['embedded', 'scale-out'] };

export interface LlSoakCase {
  mode: LlMode;
  stream: StreamFigures;
  /** Scale-out: playlist requests answered by each API node (the viewer alternates them). */
  playlistRequests: Record<string, number>;
  overload: OverloadSummary;
  load: WindowLoad;
}

export interface LlSoakResult {
  options: LlSoakOptions;
  source: Omit<ObsSource, 'file'>;
  cases: LlSoakCase[];
}

/**
 * Sends every playlist request of the page to the next of `nodes` in turn (the rest goes where the page
 * asked: the balancer), as a viewer behind a CDN or balancer hopping between API nodes would; counts them.
 */
export async function alternatePlaylists(page: Page, nodes: readonly string[], counts: Record<string, number>): Promise<void> {
  let next = 0;
  await page.route((url) => url.pathname.endsWith('.m3u8'), async (route) => {
    const u = new URL(route.request().url());
    const node = nodes[next++ % nodes.length]!;
    counts[node] = (counts[node] ?? 0) + 1;
    const response = await route.fetch({ url: `${node}${u.pathname}${u.search}`, maxRedirects: 0, timeout: 30_000 }).catch(() => null);
    if (response) await route.fulfill({ response });
    else await route.abort('failed').catch(() => undefined);
  });
}

interface Setup {
  api: ApiCall;
  viewerOrigin: string;
  metricsUrl: string | null;
  workerLogs: () => string;
  /** Scale-out: the API nodes the viewer's playlist requests alternate between. */
  nodes: string[];
  stop(): Promise<void>;
}

async function setUp(mode: LlMode): Promise<Setup> {
  if (mode === 'embedded') {
    const p = await startPlatform();
    return { api: p.api, viewerOrigin: p.apiUrl, metricsUrl: `${p.apiUrl}/metrics`, workerLogs: () => p.proc.output(), nodes: [], stop: () => p.stop() };
  }
  const c = await startCluster();
  const workers = (): string => [...c.nodes].filter(([n]) => n.startsWith('worker')).map(([, p]) => p.output()).join('\n');
  return { api: c.api, viewerOrigin: c.url, metricsUrl: null, workerLogs: workers, nodes: c.apiUrls, stop: () => c.stop() };
}

async function runCase(mode: LlMode, source: ObsSource, o: LlSoakOptions, log: (line: string) => void): Promise<LlSoakCase> {
  const s = await setUp(mode);
  try {
    log(`ll soak ${mode}: up at ${s.viewerOrigin}${s.nodes.length ? ` (API nodes ${s.nodes.join(', ')})` : ''}`);
    const stream: Stream = await ondaStream(s.api, s.viewerOrigin, `ll-soak-${mode}-${Date.now().toString(36)}`, source, { latencyMode: 'low' });
    const playlistRequests: Record<string, number> = {};
    const probe = new OverloadProbe({
      api: s.api, metricsUrl: s.metricsUrl, workerLogs: s.workerLogs,
      sessions: async () => [{ stream: stream.name, sessionId: await stream.sessionId().catch(() => null) }],
    });
    const watched = await watchStreams([stream], {
      seconds: o.minutes * 60, log, tick: () => probe.sample(),
      preparePage: s.nodes.length ? (page) => alternatePlaylists(page, s.nodes, playlistRequests) : undefined,
    });
    const overload = await probe.summary();
    log(`ll soak ${mode}: playlist requests per node ${JSON.stringify(playlistRequests)}; ${describeOverload(overload)}`);
    return { mode, stream: watched.streams[0]!, playlistRequests, overload, load: watched.load };
  } finally {
    await s.stop();
  }
}

/**
 * Low latency over minutes (issue #11): one LL channel (channel defaults, recording on) from an OBS-like
 * 1080p30 source, watched in Chromium for `minutes`, embedded (`onda all`, local storage) and scaled out
 * (HAProxy, two API nodes, two ingests, two workers, S3 in s3rver, PostgreSQL, Redis), where the viewer's
 * playlist requests alternate between the API nodes.
 */
export async function benchLlSoak(log: (line: string) => void, options: Partial<LlSoakOptions> = {}): Promise<LlSoakResult> {
  const o = { ...DEFAULT_LL_SOAK_OPTIONS, ...options };
  const src = obsSource(30, o.minutes * 60 + 5, o.height);
  const cases: LlSoakCase[] = [];
  for (const mode of o.modes) cases.push(await runCase(mode, src, o, log));
  const { file: _file, ...source } = src;
  return { options: o, source, cases };
}

export function llSoakRows(r: LlSoakResult): Row[] {
  const bench = 'low latency soak';
  const reference = r.options.height === OBS_HEIGHT;
  const rows: Row[] = [];
  for (const c of r.cases) {
    const what = `LL ${r.options.height}p30, ${c.mode}, ${r.options.minutes} min`;
    rows.push(...streamRows(bench, what, c.stream, reference ? { glassMs: LL_GLASS_TARGET_MS, playableMs: LL_PLAYABLE_TARGET_MS, stallRatio: LL_STALL_TARGET } : {}));
    const requests = Object.entries(c.playlistRequests).map(([node, n]) => `${new URL(node).port}: ${n}`).join(', ');
    rows.push({ bench, metric: `${what}: ${requests ? 'playlist requests per API node (port); ' : ''}overload controller; cores busy`, value: `${requests ? `${requests}; ` : ''}${describeOverload(c.overload)}; busy cores ${c.load.busyCores}`, target: '', ok: null });
  }
  return rows;
}
