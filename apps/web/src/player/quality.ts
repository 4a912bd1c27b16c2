/** The parts of an hls.js `Level` that a quality label depends on. */
export interface LevelLike {
  height: number;
  width?: number;
  bitrate: number;
  frameRate?: number;
}

/** One entry of the quality menu; `level` is the index in `hls.levels`. */
export interface QualityOption {
  level: number;
  label: string;
}

/** A short label for one level: "720p", "1080p60", or the bitrate for audio-only levels. */
export function levelLabel(level: LevelLike): string {
  if (!level.height) return formatBitrate(level.bitrate);
  // Only call out high frame rates; 25/30 fps is what viewers assume.
  const fps = level.frameRate && level.frameRate >= 49 ? String(Math.round(level.frameRate)) : '';
  return `${level.height}p${fps}`;
}

/**
 * Menu entries for a ladder, best first. Levels sharing a label (same height, different
 * bitrates) get their bitrate appended so every entry is distinguishable. Nothing (no menu) when there
 * is nothing to choose: a single level (a clip's one rendition), or a level the playlist says nothing
 * about (no resolution, no bitrate), which could only be labelled "0 kbps".
 */
export function qualityOptions(levels: readonly LevelLike[]): QualityOption[] {
  if (levels.length < 2 || levels.some((level) => !level.height && !level.bitrate)) return [];
  const options = levels.map((level, index) => ({ level: index, label: levelLabel(level), source: level }));
  options.sort((a, b) => b.source.height - a.source.height || b.source.bitrate - a.source.bitrate);
  const counts = new Map<string, number>();
  for (const option of options) counts.set(option.label, (counts.get(option.label) ?? 0) + 1);
  return options.map(({ level, label, source }) => ({
    level,
    label: (counts.get(label) ?? 0) > 1 && source.height ? `${label} · ${formatBitrate(source.bitrate)}` : label,
  }));
}

function formatBitrate(bitsPerSecond: number): string {
  return bitsPerSecond >= 1_000_000
    ? `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbps`
    : `${Math.round(bitsPerSecond / 1000)} kbps`;
}
