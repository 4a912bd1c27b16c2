import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { beaconRows, benchBeacons } from './beacons.js';
import { benchChat, chatRows, type ChatOptions } from './chat-fanout.js';
import { benchFaults, faultRows } from './faults.js';
import { benchOutages, outageRows } from './faults-outages.js';
import { benchGlassToGlass, glassRows } from './glass-to-glass.js';
import { LONG_SUITES, runLongSuite } from './long-suites.js';
import { benchLive, liveRows, type LiveOptions, type ViewerCase } from './live-latency.js';
import { benchPublishToPlayable, publishRows } from './publish-to-playable.js';
import { benchPatterns, patternsRows } from './patterns.js';
import { markdownTable, type Row } from './report.js';
import { regenerateReadme, writeSuiteResults } from './results-file.js';
import { repoRoot, startPlatform, type Platform } from './support/platform.js';
import { killAllNow, stopAll } from '@onda/testing';
import { benchTranscodeCost, transcodeRows } from './transcode-cost.js';
import { benchVodEncode, vodEncodeRows } from './vod-encode.js';
import { benchVodUpload, vodUploadRows } from './vod-upload.js';

// `faults` needs PostgreSQL, Redis and HAProxy (scale-out), and the long runs (soak, llsoak, drift) take
// 15-35 minutes each: only with --only.
const BENCHES = ['publish', 'glass', 'live', 'transcode', 'chat', 'vodencode', 'upload', 'beacons', 'patterns', 'faults', ...LONG_SUITES] as const;
type BenchName = (typeof BENCHES)[number];
const OPT_IN: readonly BenchName[] = ['faults', ...LONG_SUITES];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-realtime': { type: 'boolean', default: false },
    // chat: viewers in the room, incoming messages/s, measured seconds, which servers (onda,baseline).
    'chat-viewers': { type: 'string' },
    'chat-rate': { type: 'string' },
    'chat-seconds': { type: 'string' },
    'chat-sides': { type: 'string' },
    'chat-wait-quiet': { type: 'boolean', default: false },
    // live: seconds per broadcast (default 60), join time of the second viewer (20), source frame rates
    // (30,60), contenders (nginx-rtmp,onda-normal,onda-low), viewer cases (waiting,join).
    'live-seconds': { type: 'string' },
    'live-join': { type: 'string' },
    'live-fps': { type: 'string' },
    'live-contenders': { type: 'string' },
    'live-cases': { type: 'string' },
    'live-height': { type: 'string' },
    // faults: chat viewers through the faults (default 1000).
    'faults-viewers': { type: 'string' },
    // Long runs: minutes per case (soak 5, llsoak 5, drift 30 or $BENCH_DRIFT_MINUTES), source height
    // (1080; smaller is a functional check written to bench/out), low-latency modes (embedded,scale-out).
    'soak-minutes': { type: 'string' },
    'soak-height': { type: 'string' },
    'llsoak-minutes': { type: 'string' },
    'llsoak-height': { type: 'string' },
    'llsoak-modes': { type: 'string' },
    'drift-minutes': { type: 'string' },
    'drift-height': { type: 'string' },
  },
});
const selected = new Set<BenchName>(
  values.only ? values.only.split(',').map((s) => s.trim() as BenchName) : BENCHES.filter((b) => !OPT_IN.includes(b)),
);
for (const name of selected) if (!BENCHES.includes(name)) throw new Error(`unknown bench "${name}"; choose from ${BENCHES.join(', ')}`);

const started = Date.now();
const log = (line: string): void => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// No orphans: Ctrl-C and kill stop every child gracefully; a crash still SIGKILLs their process groups.
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping child processes`);
    void stopAll(5000).finally(() => process.exit(130));
  });
}

const outDir = path.join(repoRoot, 'bench/out');
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const failures: string[] = [];
/** Other work on this small machine skews wall-clock figures: keep the load each bench started under. */
const loadAtStart: Record<string, number> = {};

async function attempt(name: string, fn: () => Promise<void>): Promise<void> {
  loadAtStart[name] = Number(os.loadavg()[0]!.toFixed(2));
  try {
    await fn();
  } catch (e) {
    failures.push(name);
    log(`${name} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

try {
  if (selected.has('publish') || selected.has('glass')) {
    let platform: Platform | null = null;
    await attempt('platform', async () => {
      platform = await startPlatform();
      log(`platform up at ${platform.apiUrl}`);
    });
    if (platform) {
      const p: Platform = platform;
      try {
        if (selected.has('publish')) {
          await attempt('publish-to-playable', async () => {
            const r = await benchPublishToPlayable(p, log);
            results.publishToPlayable = r;
            rows.push(...publishRows(r));
          });
        }
        if (selected.has('glass')) {
          await attempt('glass-to-glass', async () => {
            const r = await benchGlassToGlass(p, log);
            results.glassToGlass = r;
            rows.push(...glassRows(r));
          });
        }
      } finally {
        await p.stop();
      }
    }
  }
  if (selected.has('live')) {
    await attempt('live', async () => {
      const liveStarted = Date.now();
      const list = (v: string | undefined): string[] | undefined => v?.split(',').map((x) => x.trim()).filter(Boolean);
      const opts: Partial<LiveOptions> = {};
      if (values['live-seconds']) opts.seconds = Number(values['live-seconds']);
      if (values['live-join']) opts.joinSeconds = Number(values['live-join']);
      if (values['live-fps']) opts.fps = list(values['live-fps'])!.map(Number);
      if (values['live-contenders']) opts.contenders = list(values['live-contenders']);
      if (values['live-height']) opts.height = Number(values['live-height']);
      if (values['live-cases']) opts.cases = list(values['live-cases']) as ViewerCase[];
      const r = await benchLive(log, opts);
      const liveRowsNow = liveRows(r);
      rows.push(...liveRowsNow);
      results.live = { options: r.options, cases: r.cases.map(({ samples: _s, ...c }) => c) };
      // Only the reference source (1080p) feeds bench/results and the README; other sizes go to bench/out.
      const reference = r.options.height === 1080;
      const file = await writeSuiteResults(reference ? 'live' : `live-${r.options.height}p`, {
        durationSeconds: (Date.now() - liveStarted) / 1000,
        conditions: { options: r.options, sources: r.sources, contenders: r.contenders },
        rows: liveRowsNow,
        details: { cases: r.cases },
      }, reference ? undefined : outDir);
      log(`live: written to ${path.relative(process.cwd(), file)}`);
      if (reference) log(`README.md regenerated: ${(await regenerateReadme()).join(', ') || 'no marked block'}`);
    });
  }
  if (selected.has('transcode')) {
    await attempt('transcode-cost', async () => {
      const r = await benchTranscodeCost(log, { realTime: !values['no-realtime'] });
      results.transcodeCost = r;
      rows.push(...transcodeRows(r));
    });
  }
  if (selected.has('chat')) {
    await attempt('chat', async () => {
      const opts: Partial<ChatOptions> = {};
      if (values['chat-viewers']) opts.viewers = Number(values['chat-viewers']);
      if (values['chat-rate']) opts.rate = Number(values['chat-rate']);
      if (values['chat-seconds']) opts.seconds = Number(values['chat-seconds']);
      opts.waitQuiet = values['chat-wait-quiet'];
      if (values['chat-sides']) opts.sides = values['chat-sides'].split(',').map((s) => s.trim() as ChatOptions['sides'][number]);
      const r = await benchChat(log, opts);
      results.chat = r;
      rows.push(...chatRows(r));
    });
  }
  if (selected.has('vodencode')) {
    await attempt('vod-encode', async () => {
      const r = await benchVodEncode(log);
      results.vodEncode = r;
      rows.push(...vodEncodeRows(r));
    });
  }
  if (selected.has('upload')) {
    await attempt('vod-upload', async () => {
      const r = await benchVodUpload(log);
      results.vodUpload = r;
      rows.push(...vodUploadRows(r));
    });
  }
  if (selected.has('beacons')) {
    await attempt('beacons', async () => {
      const r = await benchBeacons(log);
      results.beacons = r;
      rows.push(...beaconRows(r));
    });
  }
  if (selected.has('patterns')) await attempt('patterns', async () => void rows.push(...patternsRows((results.patterns = await benchPatterns(log)))));
  if (selected.has('faults')) {
    await attempt('faults', async () => {
      const t0 = Date.now();
      // Process faults (kills, drains), then backing-service outages, each with 1,000 chat viewers through them.
      const viewers = Number(values['faults-viewers'] ?? 1000);
      const r = await benchFaults(log, { viewers });
      const o = await benchOutages({ viewers, holdSeconds: 30, vod: true, log });
      results.faults = { ...r, outages: o };
      const suiteRows = [...faultRows(r), ...outageRows(o)];
      rows.push(...suiteRows);
      await writeSuiteResults('faults', {
        durationSeconds: (Date.now() - t0) / 1000,
        conditions: { loadAtStart: loadAtStart.faults, viewers, outageSeconds: 30, topology: 'HAProxy + 2 API + 2 ingest + 2 workers + PostgreSQL + Redis + s3rver, processes on one machine; outages through a fault proxy per role (private Redis)' },
        rows: suiteRows, details: results.faults,
      });
    });
  }
  for (const name of LONG_SUITES) {
    if (!selected.has(name)) continue;
    await attempt(name, async () => {
      const r = await runLongSuite(name, values, loadAtStart[name]!, log);
      results[name] = r.details;
      rows.push(...r.rows);
    });
  }
} finally {
  await stopAll(5000);
}
if (selected.has('patterns') || selected.has('faults')) log(`README.md regenerated: ${(await regenerateReadme()).join(', ') || 'no marked block'}`);

await mkdir(outDir, { recursive: true });
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version };
await writeFile(
  path.join(outDir, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, durationSeconds: (Date.now() - started) / 1000, loadAtStart, failures, results, rows }, null, 2),
);

console.log(`\nOnda benchmarks (${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(markdownTable(rows));
const loads = Object.entries(loadAtStart).filter(([name]) => name !== 'platform');
console.log(`\n1-min load average when each bench started: ${loads.map(([name, load]) => `${name} ${load}`).join(', ')}`);
console.log(`\nwritten to ${path.relative(process.cwd(), path.join(outDir, 'results.json'))}`);
if (failures.length > 0) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
