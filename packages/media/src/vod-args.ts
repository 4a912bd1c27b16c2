import type { Rendition, SourceInfo } from '@onda/contracts';
import { DEFAULT_AUDIO_KBPS, encodingFor, MAXRATE_FACTOR } from './ladder.js';

/** The VOD ladder, highest first: renditions above the source height are skipped. */
export const VOD_LADDER: readonly { height: number; videoBitrateKbps: number }[] = [
  { height: 1080, videoBitrateKbps: 5000 },
  { height: 720, videoBitrateKbps: 2800 },
  { height: 480, videoBitrateKbps: 1400 },
];

/** Segment length of VOD renditions: longer than live (fewer requests, better compression). */
export const VOD_SEGMENT_SECONDS = 6;

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
const kbps = (n: number): string => `${Math.round(n)}k`;

/** The VOD renditions for a source: every VOD_LADDER rung up to the source height (at least the lowest, at source size). */
export function planVodLadder(source: SourceInfo): Rendition[] {
  const known = source.width > 0 && source.height > 0;
  const srcHeight = known ? source.height : 1080;
  const aspect = known ? source.width / source.height : 16 / 9;
  const fitting = VOD_LADDER.filter((r) => r.height <= srcHeight);
  if (fitting.length === 0) {
    const lowest = VOD_LADDER[VOD_LADDER.length - 1]!;
    fitting.push({ height: even(srcHeight), videoBitrateKbps: Math.max(100, Math.round((lowest.videoBitrateKbps * srcHeight * srcHeight) / (lowest.height * lowest.height))) });
  }
  return fitting.map((r) => ({
    name: `${r.height}p`,
    width: even(r.height * aspect),
    height: r.height,
    videoBitrateKbps: r.videoBitrateKbps,
    audioBitrateKbps: source.hasAudio ? DEFAULT_AUDIO_KBPS : 0,
    passthrough: false,
  }));
}

/** An ffconcat list naming `files` (absolute paths or paths relative to the list). */
export function ffconcatList(files: readonly string[]): string {
  // Single quotes inside a name are closed, escaped and reopened, as the concat demuxer expects.
  return ['ffconcat version 1.0', ...files.map((f) => `file '${f.replace(/'/g, `'\\''`)}'`)].join('\n') + '\n';
}

/** Joins archive chunks listed in an ffconcat file into one MP4 without re-encoding, moov first. */
export function buildJoinArgs(listFile: string, output: string): string[] {
  return [
    '-f', 'concat',
    // The list holds absolute paths.
    '-safe', '0',
    '-i', listFile,
    '-map', '0',
    '-c', 'copy',
    // moov at the front: players (and the VOD encoder reading over HTTP) start without seeking to the end.
    '-movflags', '+faststart',
    output,
  ];
}

export interface VodArgsInput {
  input: string;
  outDir: string;
  renditions: Rendition[];
  source: SourceInfo;
  segmentSeconds?: number;
  /** x264 preset: `faster` by default (VOD quality per bit matters more than live latency). */
  preset?: string;
}

/**
 * Arguments for ONE ffmpeg that decodes the archive once and writes the VOD ladder as HLS:
 * `<outDir>/<name>/index.m3u8` (VOD playlist) and `<outDir>/<name>/seg_%05d.ts`.
 */
export function buildVodArgs(i: VodArgsInput): string[] {
  const seg = i.segmentSeconds ?? VOD_SEGMENT_SECONDS;
  const { renditions, source } = i;
  const labels = renditions.map((_, n) => `[s${n}]`).join('');
  const chains = renditions.map((r, n) => `[s${n}]scale=${r.width}:${r.height},format=yuv420p[v${n}]`);
  const args: string[] = ['-i', i.input, '-filter_complex', [`[0:v]split=${renditions.length}${labels}`, ...chains].join(';')];
  for (const n of renditions.keys()) {
    args.push('-map', `[v${n}]`);
    if (source.hasAudio) args.push('-map', '0:a:0');
  }
  for (const [n, r] of renditions.entries()) {
    const v = `:v:${n}`;
    const enc = encodingFor(r, source.fps);
    args.push(
      `-c${v}`, 'libx264',
      // No zerolatency: B-frames and lookahead are what make a VOD smaller than the live ladder.
      `-preset${v}`, i.preset ?? 'faster',
      `-profile${v}`, enc.profile,
      `-level${v}`, enc.level,
      `-b${v}`, kbps(r.videoBitrateKbps),
      `-maxrate${v}`, kbps(r.videoBitrateKbps * MAXRATE_FACTOR),
      `-bufsize${v}`, kbps(r.videoBitrateKbps * 2),
      // Keyframes only on segment boundaries, identical across renditions, so players switch cleanly.
      `-sc_threshold${v}`, '0',
      `-force_key_frames${v}`, `expr:gte(t,n_forced*${seg})`,
    );
  }
  if (source.hasAudio) {
    args.push('-c:a', 'aac', '-ar', '48000', '-ac', '2');
    for (const [n, r] of renditions.entries()) args.push(`-b:a:${n}`, kbps(r.audioBitrateKbps));
  }
  const streamMap = renditions.map((r, n) => (source.hasAudio ? `v:${n},a:${n},name:${r.name}` : `v:${n},name:${r.name}`)).join(' ');
  args.push(
    '-f', 'hls',
    '-hls_time', String(seg),
    '-hls_list_size', '0',
    // VOD: the playlist is written complete with #EXT-X-ENDLIST and PLAYLIST-TYPE:VOD.
    '-hls_playlist_type', 'vod',
    '-hls_flags', 'independent_segments',
    '-hls_segment_type', 'mpegts',
    '-hls_segment_filename', `${i.outDir}/%v/seg_%05d.ts`,
    '-var_stream_map', streamMap,
    `${i.outDir}/%v/index.m3u8`,
  );
  return args;
}

/** One JPEG frame at `atSeconds`, scaled to `height` (never above the source), as a poster. */
export function buildPosterArgs(input: string, atSeconds: number, output: string, height = 720): string[] {
  return [
    // Input seeking: jumps to the nearest keyframe before, then decodes to the exact time.
    '-ss', atSeconds.toFixed(3),
    '-i', input,
    '-frames:v', '1',
    '-vf', `scale=-2:'min(${height},ih)'`,
    '-q:v', '3',
    output,
  ];
}

/** Layout of a storyboard sprite: `count` tiles of `width`x`height`, `columns` per row, one per `interval` seconds. */
export interface StoryboardLayout {
  interval: number;
  count: number;
  columns: number;
  rows: number;
  width: number;
  height: number;
}

/** At most `maxTiles` thumbnails (default 100), at least `minInterval` seconds apart (default 2), 160 px wide. */
export function planStoryboard(durationSeconds: number, source: { width: number; height: number }, maxTiles = 100, minInterval = 2): StoryboardLayout {
  const interval = Math.max(minInterval, Math.ceil(durationSeconds / maxTiles));
  const count = Math.max(1, Math.ceil(durationSeconds / interval));
  const columns = Math.min(10, count);
  const aspect = source.width > 0 && source.height > 0 ? source.width / source.height : 16 / 9;
  return { interval, count, columns, rows: Math.ceil(count / columns), width: 160, height: even(160 / aspect) };
}

/** One sprite JPEG holding a thumbnail every `interval` seconds, tiled `columns` x `rows`. */
export function buildStoryboardArgs(input: string, layout: StoryboardLayout, output: string): string[] {
  return [
    '-i', input,
    // fps picks one frame per interval (no decode of every frame is avoidable, but no encode of them either).
    '-vf', `fps=1/${layout.interval},scale=${layout.width}:${layout.height},tile=${layout.columns}x${layout.rows}`,
    '-frames:v', '1',
    '-q:v', '5',
    output,
  ];
}

const vttTime = (s: number): string => {
  const ms = Math.round(s * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(sec)}.${pad(ms % 1000, 3)}`;
};

/** The WebVTT that maps time ranges to sprite regions (`sprite.jpg#xywh=x,y,w,h`), as players expect for previews. */
export function storyboardVtt(layout: StoryboardLayout, durationSeconds: number, spriteUri: string): string {
  const cues: string[] = ['WEBVTT', ''];
  for (let n = 0; n < layout.count; n++) {
    const start = n * layout.interval;
    const end = Math.min(durationSeconds, start + layout.interval);
    if (end <= start) break;
    const x = (n % layout.columns) * layout.width;
    const y = Math.floor(n / layout.columns) * layout.height;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}`, `${spriteUri}#xywh=${x},${y},${layout.width},${layout.height}`, '');
  }
  return cues.join('\n');
}
