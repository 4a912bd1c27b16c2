import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { beaconRows, benchBeacons } from './beacons.js';
import { benchChat, chatRows, type ChatOptions } from './chat-fanout.js';
import { benchGlassToGlass, glassRows } from './glass-to-glass.js';
import { benchPublishToPlayable, publishRows } from './publish-to-playable.js';
import { markdownTable, type Row } from './report.js';
import { repoRoot, startPlatform, type Platform } from './support/platform.js';
import { killAllNow, stopAll } from './support/process.js';
import { benchTranscodeCost, transcodeRows } from './transcode-cost.js';
import { benchVodEncode, vodEncodeRows } from './vod-encode.js';
import { benchVodUpload, vodUploadRows } from './vod-upload.js';

const BENCHES = ['publish', 'glass', 'transcode', 'chat', 'vodencode', 'upload', 'beacons'] as const;
type BenchName = (typeof BENCHES)[number];

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
  },
});
const selected = new Set<BenchName>(
  values.only ? values.only.split(',').map((s) => s.trim() as BenchName) : BENCHES,
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
} finally {
  await stopAll(5000);
}

const outDir = path.join(repoRoot, 'bench/out');
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
