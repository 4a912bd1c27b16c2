import type { LadderProfile, Rendition, SourceInfo } from '@onda/contracts';
import { h264LevelFor, type H264Encoding } from './h264.js';

interface Rung {
  height: number;
  videoBitrateKbps: number;
}

/** The default ladder, highest first. */
export const DEFAULT_LADDER: readonly Rung[] = [
  { height: 720, videoBitrateKbps: 2800 },
  { height: 480, videoBitrateKbps: 1400 },
  { height: 360, videoBitrateKbps: 800 },
];

export const DEFAULT_AUDIO_KBPS = 128;

/** Peak bitrate allowed by the encoder's VBV, as a factor of the target; also the master playlist's overhead. */
export const MAXRATE_FACTOR = 1.1;

/** x264 preset of live rungs; the overload controller and the low-cpu profile step to the faster one. */
export const LIVE_PRESET = 'superfast';
export const LIVE_FAST_PRESET = 'ultrafast';

/** Highest rate any rung keeps, and the cap of rungs at 720p and below (unless 720p is allowed more). */
export const MAX_FPS = 60;
export const LOW_RUNG_MAX_FPS = 30;

/** 720p60 is worth ~1.5x the bits of 720p30 at equal quality (the big platforms' 720p60 vs 720p30 rates). */
const HIGH_FPS_BITRATE_FACTOR = 1.5;

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

export interface LadderOptions {
  profile: LadderProfile;
  /** The channel asks for the source copy as a rendition (the `default` profile's optional extra). */
  passthrough: boolean;
  /** This machine can encode 720p above 30 fps for this source (a capacity decision, see ladderCost). */
  highFps720?: boolean;
}

/**
 * The frame rate a rung keeps: the source's up to `max`, otherwise the source's divided by the smallest whole
 * number that brings it under `max`, so frames are dropped evenly (60 -> 30, 50 -> 25, 59.94 -> 29.97).
 */
export function cappedFps(sourceFps: number, max: number): number {
  if (sourceFps <= max) return sourceFps;
  return sourceFps / Math.ceil(sourceFps / max - 1e-9);
}

/** The frame rate a rung of this height gets under the ladder policy, or undefined to keep the source's. */
function rungFps(height: number, sourceFps: number, highFps720: boolean): number | undefined {
  // Unknown source rate: nothing to cap against; ffmpeg keeps whatever arrives.
  if (!(sourceFps > 0)) return undefined;
  const max = height > 720 || (height === 720 && highFps720) ? MAX_FPS : LOW_RUNG_MAX_FPS;
  const fps = cappedFps(sourceFps, max);
  return fps < sourceFps ? Math.round(fps * 1000) / 1000 : undefined;
}

/** Whether a rendition carries no video (the one rendition of an audio-only source). */
export const isAudioOnly = (r: Rendition): boolean => r.height === 0;

/** The frame rate a rendition is produced at (0 when unknown). */
export function renditionFps(r: Rendition, source: SourceInfo): number {
  return r.fps ?? (source.fps > 0 ? source.fps : 0);
}

/** The x264 preset of a profile's encoded rungs. */
export function presetFor(profile: LadderProfile): string {
  return profile === 'low-cpu' ? LIVE_FAST_PRESET : LIVE_PRESET;
}

/**
 * The renditions to produce for a source, highest first: the source copy (when the profile or channel asks
 * and the codec can be copied into TS), then the encoded rungs that fit the source, each at the frame rate
 * the policy allows: above 720p up to 60 fps, 720p up to 60 only when the source is above 30 and the
 * machine can hold it (`highFps720`), lower rungs at most 30.
 */
export function planLadder(source: SourceInfo, opts: LadderOptions): Rendition[] {
  // Audio only (a radio-style publish): one AAC rendition, no picture to scale.
  if (source.hasVideo === false) return [{ name: 'audio', width: 0, height: 0, videoBitrateKbps: 0, audioBitrateKbps: DEFAULT_AUDIO_KBPS, passthrough: false }];
  // An unknown size (0) is planned as 1080p 16:9 so the whole ladder is kept.
  const known = source.width > 0 && source.height > 0;
  const srcHeight = known ? source.height : 1080;
  const aspect = known ? source.width / source.height : 16 / 9;
  const audioBitrateKbps = source.hasAudio ? DEFAULT_AUDIO_KBPS : 0;
  const out: Rendition[] = [];

  const copyable = source.videoCodec === null || /h264|avc/i.test(source.videoCodec);
  const copy = (opts.passthrough || opts.profile === 'passthrough') && copyable;
  if (copy) {
    const width = known ? source.width : even(srcHeight * aspect);
    // Only a guess (0.1 bit per pixel) for the master playlist until real segments are measured.
    const fps = source.fps > 0 ? source.fps : 30;
    out.push({
      name: 'source',
      width,
      height: srcHeight,
      videoBitrateKbps: Math.max(1, Math.round((width * srcHeight * fps * 0.1) / 1000)),
      audioBitrateKbps,
      passthrough: true,
    });
  }

  // Beside a source copy of the passthrough profile, a rung at the source's own height adds nothing.
  let fitting = DEFAULT_LADDER.filter((r) => r.height <= srcHeight && !(copy && opts.profile === 'passthrough' && r.height === srcHeight));
  // low-cpu: the top and the bottom rung only (viewers still get a choice for weak connections).
  if (opts.profile === 'low-cpu' && fitting.length > 2) fitting = [fitting[0]!, fitting[fitting.length - 1]!];
  if (fitting.length === 0 && !(copy && opts.profile === 'passthrough')) {
    // Smaller than the lowest rung: one rung at the source size, bitrate scaled by pixel count.
    const lowest = DEFAULT_LADDER[DEFAULT_LADDER.length - 1]!;
    const height = even(srcHeight);
    fitting.push({ height, videoBitrateKbps: Math.max(100, Math.round((lowest.videoBitrateKbps * height * height) / (lowest.height * lowest.height))) });
  }
  // low-cpu never encodes above 30 fps.
  const highFps720 = opts.profile !== 'low-cpu' && (opts.highFps720 ?? false);
  for (const rung of fitting) {
    const fps = rungFps(rung.height, source.fps, highFps720);
    const keepsHighRate = (fps ?? source.fps) > LOW_RUNG_MAX_FPS;
    const r: Rendition = {
      name: `${rung.height}p`,
      width: even(rung.height * aspect),
      height: rung.height,
      videoBitrateKbps: keepsHighRate ? Math.round(rung.videoBitrateKbps * HIGH_FPS_BITRATE_FACTOR) : rung.videoBitrateKbps,
      audioBitrateKbps,
      passthrough: false,
    };
    if (fps !== undefined) r.fps = fps;
    out.push(r);
  }
  return out;
}

/** The H.264 profile/level an encoded rendition is produced with (High, level from size, fps and peak rate). */
export function encodingFor(rendition: Rendition, fps: number): H264Encoding {
  return {
    profile: 'high',
    level: h264LevelFor(rendition.width, rendition.height, rendition.fps ?? fps, Math.round(rendition.videoBitrateKbps * MAXRATE_FACTOR)),
  };
}
