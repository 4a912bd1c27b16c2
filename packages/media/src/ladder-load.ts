import type { Rendition, SourceInfo } from '@onda/contracts';
import { cappedFps, isAudioOnly, LIVE_FAST_PRESET, LIVE_PRESET, LOW_RUNG_MAX_FPS, planLadder, renditionFps, type LadderOptions } from './ladder.js';

/**
 * CPU cost model of one live ffmpeg, in cores (CPU-s per media-s). Coefficients per megapixel per second,
 * fitted (rounded up) to runs on a 2-core box of 10 s OBS-like 1080p30/1080p60 sources (x264 High, B-frames,
 * 6 Mb/s, AAC 48k, recording on): 0.74 / 0.83 CPU-s per media-s for the default ladder, 1.04 with 720p60,
 * 0.49 / 0.57 for low-cpu. Synthetic pictures are cheap to encode, so real cameras cost more: this is only
 * a planning estimate; the overload controller watches the real speed and corrects what it gets wrong.
 */
const DECODE_PER_MPX = 0.003;
const ENCODE_PER_MPX: Record<string, number> = { ultrafast: 0.008, superfast: 0.012, veryfast: 0.017, faster: 0.024 };

/** Estimated cores a ladder needs for a source (decode once + each encoded rung at its own size and rate). */
export function ladderCost(source: SourceInfo, renditions: readonly Rendition[], preset: string = LIVE_PRESET): number {
  const srcFps = source.fps > 0 ? source.fps : 30;
  const srcPx = (source.width > 0 ? source.width : 1920) * (source.height > 0 ? source.height : 1080);
  const encoded = renditions.filter((r) => !r.passthrough && !isAudioOnly(r));
  // A copy-only ladder does not decode at all.
  let cost = encoded.length > 0 ? (srcPx * srcFps * DECODE_PER_MPX) / 1e6 : 0.02;
  const perMpx = ENCODE_PER_MPX[preset] ?? ENCODE_PER_MPX[LIVE_PRESET]!;
  for (const r of encoded) cost += (r.width * r.height * (renditionFps(r, source) || srcFps) * perMpx) / 1e6;
  return Math.round(cost * 1000) / 1000;
}

/** The deepest overload step of a ladder without a high-rate 720p rung: 1 drops the top encoded rung, 2 also takes the faster preset, 3 keeps one rung. */
export const MAX_SHED_LEVEL = 3;

/** An encoded rung at 720p or below that keeps a source rate above 30 (720p60): the first thing to shed. */
const highRateRung = (r: Rendition, sourceFps: number): boolean => !r.passthrough && !isAudioOnly(r) && r.height <= 720 && (r.fps ?? sourceFps) > LOW_RUNG_MAX_FPS;

/**
 * The deepest overload step of a planned ladder: a ladder with a high-rate 720p rung has one step more,
 * first of all (720p60 -> 720p30, the rung and the URL kept, half its frames encoded).
 */
export function maxShedLevel(planned: readonly Rendition[], sourceFps: number): number {
  return MAX_SHED_LEVEL + (planned.some((r) => highRateRung(r, sourceFps)) ? 1 : 0);
}

/** What the live ffmpeg runs at one overload step, and which published renditions it stands in for. */
export interface LadderRun {
  /** Renditions this ffmpeg produces (a subset of the planned ladder, same names; a high-rate rung may run at 30 fps). */
  renditions: Rendition[];
  preset: string;
  /** Planned rendition name -> name of the produced rendition whose segments its playlist carries meanwhile. */
  standIns: Record<string, string>;
}

/**
 * The ffmpeg ladder at an overload step. The planned ladder stays the master playlist (viewers keep the
 * same URL and variants): a high-rate 720p rung first drops to 30 fps (its FRAME-RATE, level and BANDWIDTH
 * in the master stay upper bounds); then a rung not produced at a step is served by the nearest lower
 * produced rung (or the lowest left), so every variant playlist keeps growing. Copies cost nothing and are
 * never shed. `sourceFps` (0 when unknown) tells which rungs keep a high source rate.
 */
export function shedLadder(planned: readonly Rendition[], basePreset: string, level: number, sourceFps = 0): LadderRun {
  const halve = planned.some((r) => highRateRung(r, sourceFps));
  let steps = level;
  let rungs: Rendition[] = [...planned];
  if (halve && steps >= 1) {
    rungs = rungs.map((r) => {
      if (!highRateRung(r, sourceFps)) return r;
      const fps = Math.round(cappedFps(r.fps ?? sourceFps, LOW_RUNG_MAX_FPS) * 1000) / 1000;
      // The rate's share of the bits goes too (planLadder gives a high-rate rung 1.5x).
      return { ...r, fps, videoBitrateKbps: Math.round(r.videoBitrateKbps / 1.5) };
    });
    steps--;
  }
  const encoded = rungs.filter((r) => !r.passthrough && !isAudioOnly(r)).sort((a, b) => b.height - a.height);
  let keep = encoded;
  if (steps >= 1 && keep.length > 1) keep = keep.slice(1);
  if (steps >= 3 && keep.length > 1) keep = keep.slice(-1);
  const preset = steps >= 2 ? LIVE_FAST_PRESET : basePreset;
  const kept = new Set(keep.map((r) => r.name));
  const standIns: Record<string, string> = {};
  for (const r of encoded) {
    if (kept.has(r.name)) continue;
    standIns[r.name] = (keep.find((k) => k.height <= r.height) ?? keep[0]!).name;
  }
  return { renditions: rungs.filter((r) => r.passthrough || isAudioOnly(r) || kept.has(r.name)), preset, standIns };
}

/**
 * Share of the free cores a ladder with 720p above 30 fps may take. The rest of the box must keep up too:
 * on a small all-in-one machine the ingest, the recording, the API and often a viewer's browser share the
 * same cores (the bench's 2-core run with 720p60 fell behind real time with a viewer on the box, and held
 * once 720p was shed). So 720p60 needs room to spare: a 4-core worker keeps it for a 1080p60 source, a
 * 2-core one encodes 720p at 30 fps (the source copy, when asked for, still carries the 60 fps).
 */
export const HIGH_FPS_SHARE = 0.5;

/** A planned ladder and the capacity reasoning behind it. */
export interface LivePlan {
  renditions: Rendition[];
  preset: string;
  /** Estimated cores of the plan (ladderCost). */
  cost: number;
  /** The overload step the broadcast starts at (0 unless the free capacity forces a lighter start). */
  shedLevel: number;
  /** Set when the plan is lighter than the profile asked for, in words for the streamer. */
  degradedReason: string | null;
}

/**
 * Plans a live ladder against the cores this worker has free: 720p keeps a high source rate only when
 * that fits; when even the full ladder does not fit, the broadcast starts at the lightest overload step
 * that does; when nothing encoded fits, it runs as a copy of the source (when the codec can be copied).
 */
export function planLiveLadder(source: SourceInfo, opts: LadderOptions & { preset: string; freeCores: number }): LivePlan {
  const fits = (c: number): boolean => c <= opts.freeCores;
  const high = planLadder(source, { ...opts, highFps720: true });
  const highCost = ladderCost(source, high, opts.preset);
  // A source copy already carries the source's high rate: the rungs beside it stay at 30 fps.
  const copies = high.some((r) => r.passthrough);
  const highUseful = !copies && high.some((r) => !r.passthrough && r.height === 720 && r.fps === undefined && source.fps > 30);
  if (highUseful && highCost <= opts.freeCores * HIGH_FPS_SHARE) return { renditions: high, preset: opts.preset, cost: highCost, shedLevel: 0, degradedReason: null };
  const renditions = planLadder(source, { ...opts, highFps720: false });
  for (let level = 0; level <= MAX_SHED_LEVEL; level++) {
    const run = shedLadder(renditions, opts.preset, level);
    const cost = ladderCost(source, run.renditions, run.preset);
    if (fits(cost)) {
      return { renditions, preset: opts.preset, cost, shedLevel: level, degradedReason: level === 0 ? null : 'the server is short of CPU: the stream starts with fewer or lighter renditions' };
    }
  }
  const copyable = source.videoCodec === null || /h264|avc/i.test(source.videoCodec);
  if (copyable) {
    const copy = planLadder(source, { profile: 'passthrough', passthrough: true }).filter((r) => r.passthrough);
    return { renditions: copy, preset: opts.preset, cost: ladderCost(source, copy), shedLevel: 0, degradedReason: 'the server is short of CPU: the stream is passed through without transcoding' };
  }
  const last = shedLadder(renditions, opts.preset, MAX_SHED_LEVEL);
  return { renditions, preset: opts.preset, cost: ladderCost(source, last.renditions, last.preset), shedLevel: MAX_SHED_LEVEL, degradedReason: 'the server is short of CPU and the source cannot be copied: the lightest ladder runs' };
}
