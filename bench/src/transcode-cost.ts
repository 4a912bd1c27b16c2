import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Rendition, SourceInfo } from '@onda/contracts';
import { buildLiveArgs, planLadder } from '@onda/media';
import { atExit } from '@onda/testing';
import type { Row } from './report.js';
import { ffmpegTimed } from './support/ffmpeg-timed.js';

const MEDIA_SECONDS = 20;
const SEGMENT_SECONDS = 2;
const SOURCE: SourceInfo = { width: 1920, height: 1080, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };
/** What the live benchmarks publish: the same ladder from a 720p source. */
const SOURCE_720: SourceInfo = { ...SOURCE, width: 1280, height: 720 };

/** CPU and wall time of one or more ffmpeg runs over the same media. */
export interface Cost {
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU-seconds per media-second: 1.0 = one core busy in real time. */
  cpuPerMediaSecond: number;
  /** Media-seconds per wall-second (x real time). */
  speed: number;
  /** Average cores busy while it ran. */
  cores: number;
}

/** Results of the transcode-cost benchmark. */
export interface TranscodeResult {
  renditions: string[];
  split: Cost;
  perRendition: Cost;
  perRenditionOverSplit: number;
  splitRealTime: Cost | null;
  /** (a) from a 720p30 source, as in the publish and glass benchmarks. */
  split720: Cost;
}

const cost = (cpuSeconds: number, wallSeconds: number): Cost => ({
  cpuSeconds,
  wallSeconds,
  cpuPerMediaSecond: cpuSeconds / MEDIA_SECONDS,
  speed: MEDIA_SECONDS / wallSeconds,
  cores: cpuSeconds / wallSeconds,
});

/** A 20 s 1080p30 source with a tone, encoded ultrafast at a high bitrate so decoding it costs little. */
async function makeSource(dir: string, source: SourceInfo): Promise<string> {
  const file = path.join(dir, `source-${source.height}p.mp4`);
  await ffmpegTimed([
    '-f', 'lavfi', '-i', `testsrc2=size=${source.width}x${source.height}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(MEDIA_SECONDS),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '20M', '-g', '60', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', file,
  ]);
  return file;
}

/** Transcodes the file to `renditions` with the worker's exact arguments, checking every playlist got its segments. */
async function transcode(file: string, dir: string, renditions: Rendition[], realTime: boolean, source = SOURCE): Promise<{ cpu: number; wall: number }> {
  const outDir = await mkdtemp(path.join(dir, 'out-'));
  // No LIVE_INPUT_ARGS (they tune an RTMP pull); -re paces the file like a live feed.
  const args = buildLiveArgs({ pullUrl: file, outDir, run: 0, renditions, source, segmentSeconds: SEGMENT_SECONDS, inputArgs: realTime ? ['-re'] : [] });
  const timed = await ffmpegTimed(args);
  for (const r of renditions) {
    const playlist = await readFile(path.join(outDir, r.name, 'index.m3u8'), 'utf8');
    const segments = playlist.split('#EXTINF:').length - 1;
    if (segments < MEDIA_SECONDS / SEGMENT_SECONDS - 1) throw new Error(`${r.name}: only ${segments} segments`);
  }
  await rm(outDir, { recursive: true, force: true });
  return timed;
}

/** CPU cost of the default ladder: one split ffmpeg vs one ffmpeg per rendition, plus the split in real time. */
export async function benchTranscodeCost(log: (line: string) => void, opts: { realTime: boolean }): Promise<TranscodeResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onda-bench-transcode-'));
  const unregister = atExit(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const file = await makeSource(dir, SOURCE);
    const ladder = planLadder(SOURCE, { profile: 'default', passthrough: false });
    log(`transcode-cost: ladder ${ladder.map((r) => r.name).join('/')} from a ${MEDIA_SECONDS} s 1080p30 file`);

    const a = await transcode(file, dir, ladder, false);
    const split = cost(a.cpu, a.wall);
    log(`transcode-cost (a) split: ${a.cpu.toFixed(1)} CPU-s in ${a.wall.toFixed(1)} s`);

    let cpu = 0;
    let wall = 0;
    for (const r of ladder) {
      const b = await transcode(file, dir, [r], false);
      log(`transcode-cost (b) ${r.name} alone: ${b.cpu.toFixed(1)} CPU-s in ${b.wall.toFixed(1)} s`);
      cpu += b.cpu;
      wall += b.wall;
    }
    const perRendition = cost(cpu, wall);

    let splitRealTime: Cost | null = null;
    if (opts.realTime) {
      const rt = await transcode(file, dir, ladder, true);
      splitRealTime = cost(rt.cpu, rt.wall);
      log(`transcode-cost (a) split with -re: ${rt.cpu.toFixed(1)} CPU-s in ${rt.wall.toFixed(1)} s`);
    }

    const file720 = await makeSource(dir, SOURCE_720);
    const ladder720 = planLadder(SOURCE_720, { profile: 'default', passthrough: false });
    const c = await transcode(file720, dir, ladder720, false, SOURCE_720);
    const split720 = cost(c.cpu, c.wall);
    log(`transcode-cost (a) split from 720p: ${c.cpu.toFixed(1)} CPU-s in ${c.wall.toFixed(1)} s`);
    return { renditions: ladder.map((r) => r.name), split, perRendition, perRenditionOverSplit: perRendition.cpuSeconds / split.cpuSeconds, splitRealTime, split720 };
  } finally {
    await rm(dir, { recursive: true, force: true });
    unregister();
  }
}

/** Table rows for the report. */
export function transcodeRows(r: TranscodeResult): Row[] {
  const ladder = r.renditions.join('/');
  const rows: Row[] = [
    { bench: 'transcode cost', metric: `(a) one split ffmpeg, ${ladder}: CPU-s per media-s`, value: `${r.split.cpuPerMediaSecond.toFixed(2)} (${r.split.speed.toFixed(1)}x real time)`, target: '<= 1.00', ok: r.split.cpuPerMediaSecond <= 1 },
    { bench: 'transcode cost', metric: `(b) one ffmpeg per rendition: CPU-s per media-s`, value: `${r.perRendition.cpuPerMediaSecond.toFixed(2)} (${r.perRendition.speed.toFixed(1)}x real time)`, target: '', ok: null },
    { bench: 'transcode cost', metric: '(b) / (a) CPU', value: `x${r.perRenditionOverSplit.toFixed(2)} (split saves ${((1 - 1 / r.perRenditionOverSplit) * 100).toFixed(0)}%)`, target: '', ok: null },
  ];
  rows.push({ bench: 'transcode cost', metric: `(a) from a 720p30 source (as the live benches publish): CPU-s per media-s`, value: `${r.split720.cpuPerMediaSecond.toFixed(2)} (${r.split720.speed.toFixed(1)}x real time)`, target: '', ok: null });
  if (r.splitRealTime) {
    // Slower than real time even when paced means the machine could not keep up: the figure is then "flat out".
    const behind = r.splitRealTime.speed < 0.97 ? ` (fell behind: ${r.splitRealTime.speed.toFixed(2)}x real time)` : '';
    rows.push({ bench: 'transcode cost', metric: '(a) at real-time speed (-re): average cores busy', value: `${r.splitRealTime.cores.toFixed(2)}${behind}`, target: '<= 1.00', ok: r.splitRealTime.cores <= 1 });
  }
  return rows;
}
