/** An H.264 profile we ask x264 for explicitly, so the CODECS attribute in the master playlist is truthful. */
export type H264Profile = 'baseline' | 'main' | 'high';

/** The profile/level a rendition is encoded with. */
export interface H264Encoding {
  profile: H264Profile;
  /** As x264 takes it: `3.1`, `4.0`, ... */
  level: string;
}

// H.264 Annex A limits: max frame size (macroblocks), max macroblocks per second, max bitrate (kbps, Main).
const LEVELS: { level: string; maxFs: number; maxMbps: number; maxKbps: number }[] = [
  { level: '3.0', maxFs: 1620, maxMbps: 40_500, maxKbps: 10_000 },
  { level: '3.1', maxFs: 3600, maxMbps: 108_000, maxKbps: 14_000 },
  { level: '3.2', maxFs: 5120, maxMbps: 216_000, maxKbps: 20_000 },
  { level: '4.0', maxFs: 8192, maxMbps: 245_760, maxKbps: 20_000 },
  { level: '4.1', maxFs: 8192, maxMbps: 245_760, maxKbps: 50_000 },
  { level: '4.2', maxFs: 8704, maxMbps: 522_240, maxKbps: 50_000 },
  { level: '5.0', maxFs: 22_080, maxMbps: 589_824, maxKbps: 135_000 },
  { level: '5.1', maxFs: 36_864, maxMbps: 983_040, maxKbps: 240_000 },
  { level: '5.2', maxFs: 36_864, maxMbps: 2_073_600, maxKbps: 240_000 },
];

/** The lowest H.264 level that fits a frame size, frame rate and peak bitrate (unknown fps counts as 60). */
export function h264LevelFor(width: number, height: number, fps: number, peakKbps: number): string {
  const frameMbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const rate = fps > 0 ? fps : 60;
  // High profile allows 1.25x the Main bitrate (cpbBrVclFactor 1250 vs 1000).
  const fit = LEVELS.find((l) => frameMbs <= l.maxFs && frameMbs * rate <= l.maxMbps && peakKbps <= l.maxKbps * 1.25);
  return (fit ?? LEVELS[LEVELS.length - 1]!).level;
}

const PROFILE_IDC: Record<H264Profile, number> = { baseline: 0x42, main: 0x4d, high: 0x64 };
// x264 sets constraint_set0 for Baseline and constraint_set1 for Baseline and Main (common/set.c).
const CONSTRAINTS: Record<H264Profile, number> = { baseline: 0xc0, main: 0x40, high: 0x00 };

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** RFC 6381 codec string for an H.264 stream, e.g. High 3.1 -> `avc1.64001f`. */
export function avc1Codec(encoding: H264Encoding): string {
  const levelIdc = Math.round(Number(encoding.level) * 10);
  return `avc1.${hex2(PROFILE_IDC[encoding.profile])}${hex2(CONSTRAINTS[encoding.profile])}${hex2(levelIdc)}`;
}

/** Codec string from what ffprobe reports for a stream we did not encode (passthrough), or null if not H.264. */
export function avc1FromProbe(profile: string | undefined, level: number | undefined): string | null {
  if (!profile || !level || level <= 0) return null;
  const p = profile.toLowerCase();
  const name: H264Profile | null = p.includes('high') ? 'high' : p.includes('main') ? 'main' : p.includes('baseline') ? 'baseline' : null;
  if (!name) return null;
  return avc1Codec({ profile: name, level: (level / 10).toFixed(1) });
}

/** AAC-LC, the only audio we encode. */
export const AAC_LC_CODEC = 'mp4a.40.2';
