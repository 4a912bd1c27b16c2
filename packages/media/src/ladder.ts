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

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

/** The renditions to produce for a source: passthrough copy first (when on), then the ladder rungs that fit. */
export function planLadder(source: SourceInfo, opts: { profile: LadderProfile; passthrough: boolean }): Rendition[] {
  // An unknown size (0) is planned as 1080p 16:9 so the whole ladder is kept.
  const known = source.width > 0 && source.height > 0;
  const srcHeight = known ? source.height : 1080;
  const aspect = known ? source.width / source.height : 16 / 9;
  const audioBitrateKbps = source.hasAudio ? DEFAULT_AUDIO_KBPS : 0;
  const out: Rendition[] = [];

  const copyable = source.videoCodec === null || /h264|avc/i.test(source.videoCodec);
  if ((opts.passthrough || opts.profile === 'passthrough') && copyable) {
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
    if (opts.profile === 'passthrough') return out;
  }

  const fitting = DEFAULT_LADDER.filter((r) => r.height <= srcHeight);
  if (fitting.length === 0) {
    // Smaller than the lowest rung: one rung at the source size, bitrate scaled by pixel count.
    const lowest = DEFAULT_LADDER[DEFAULT_LADDER.length - 1]!;
    const height = even(srcHeight);
    fitting.push({ height, videoBitrateKbps: Math.max(100, Math.round((lowest.videoBitrateKbps * height * height) / (lowest.height * lowest.height))) });
  }
  for (const rung of fitting) {
    out.push({
      name: `${rung.height}p`,
      width: even(rung.height * aspect),
      height: rung.height,
      videoBitrateKbps: rung.videoBitrateKbps,
      audioBitrateKbps,
      passthrough: false,
    });
  }
  return out;
}

/** The H.264 profile/level an encoded rendition is produced with (High, level from size, fps and peak rate). */
export function encodingFor(rendition: Rendition, fps: number): H264Encoding {
  return {
    profile: 'high',
    level: h264LevelFor(rendition.width, rendition.height, fps, Math.round(rendition.videoBitrateKbps * MAXRATE_FACTOR)),
  };
}
