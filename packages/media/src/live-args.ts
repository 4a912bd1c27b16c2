import type { Rendition, SourceInfo } from '@onda/contracts';
import { encodingFor, MAXRATE_FACTOR } from './ladder.js';

/** Input flags for a live RTMP pull: start fast, never hang on a dead ingest. */
export const LIVE_INPUT_ARGS: readonly string[] = [
  // Hand packets to the decoder as they arrive instead of buffering them for probing.
  '-fflags', 'nobuffer',
  // Probe at most 1 s / 500 kB: the ingest already knows the codecs and publish-to-playable must stay under 3 s.
  '-analyzeduration', '1000000',
  '-probesize', '500000',
  // Give up (and exit, so the session can decide) after 10 s without data, in microseconds.
  '-rw_timeout', '10000000',
];

export interface LiveArgsInput {
  pullUrl: string;
  outDir: string;
  run: number;
  renditions: Rendition[];
  source: SourceInfo;
  segmentSeconds: number;
  /** Flags placed before `-i`; defaults to LIVE_INPUT_ARGS. Tests pass `-f lavfi` here. */
  inputArgs?: readonly string[];
  /** Also write a master playlist next to the renditions (the worker renders its own). */
  masterPlaylistName?: string;
  /** Also record the source (remux, no re-encode) from the same process; see archiveOutputArgs. */
  archive?: ArchiveOutput;
}

/** Where and in what chunk length the live ffmpeg records the source. */
export interface ArchiveOutput {
  /** Chunk files, e.g. `/scratch/s1/archive/r0_%05d.mp4`. */
  pattern: string;
  chunkSeconds: number;
}

/**
 * A second output of the live ffmpeg: the source remuxed (no decode, no encode) into MP4 chunks. Chunks
 * instead of one file per run: a finished chunk never changes, so it is uploaded once and a killed
 * worker loses at most the chunk being written (and not even that when the scratch folder survives).
 */
export function archiveOutputArgs(a: ArchiveOutput): string[] {
  return [
    '-map', '0:v:0',
    // Optional: a silent source has no audio stream and the archive must not fail for that.
    '-map', '0:a:0?',
    '-c', 'copy',
    '-f', 'segment',
    // The segment muxer cuts at the first video keyframe after each chunkSeconds.
    '-segment_time', String(a.chunkSeconds),
    '-segment_format', 'mp4',
    // Fragmented MP4 (a moof per keyframe): the chunk being written is playable up to its last fragment
    // if the worker dies; the joined archive gets a normal moov with faststart at the end.
    '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof',
    // Every chunk starts at 0 so the concat demuxer can lay them end to end.
    '-reset_timestamps', '1',
    a.pattern,
  ];
}

const kbps = (n: number): string => `${Math.round(n)}k`;

/** ffmpeg `-force_key_frames` expression: a keyframe at 0, at seg/2, then every `seg` seconds. */
export const keyframeExpr = (seg: number): string => `expr:if(eq(n_forced,0),1,gte(t,${seg / 2}+(n_forced-1)*${seg}))`;

/**
 * The scaling graph: decode once, then scale in a cascade, largest rung first, each rung scaled from
 * the one above it (1080p -> 720p -> 480p -> 360p) instead of every rung from the full-size source.
 * Measured on a 1080p30 source: 1.62 CPU-s per media-s with three bicubic scalers reading 1080p,
 * 1.20 with the bilinear cascade. format=yuv420p once, at the top (High profile needs 4:2:0).
 */
export function ladderFilter(encoded: ReadonlyArray<{ r: Rendition; i: number }>): string {
  const rungs = [...encoded].sort((a, b) => b.r.height - a.r.height);
  return rungs
    .map(({ r, i }, k) => {
      const input = k === 0 ? '[0:v]' : `[t${k - 1}]`;
      const scale = `scale=${r.width}:${r.height}:flags=bilinear${k === 0 ? ',format=yuv420p' : ''}`;
      return k < rungs.length - 1 ? `${input}${scale},split=2[v${i}][t${k}]` : `${input}${scale}[v${i}]`;
    })
    .join(';');
}

/**
 * Arguments for ONE ffmpeg that decodes the input once and `split`s it into every encoded rendition,
 * writing `<outDir>/<name>/index.m3u8` and `<outDir>/<name>/r<run>_%05d.ts` per rendition.
 */
export function buildLiveArgs(input: LiveArgsInput): string[] {
  const { renditions, source, segmentSeconds: seg } = input;
  const encoded = renditions.map((r, i) => ({ r, i })).filter(({ r }) => !r.passthrough);
  const args: string[] = [...(input.inputArgs ?? LIVE_INPUT_ARGS), '-i', input.pullUrl];

  if (encoded.length > 0) args.push('-filter_complex', ladderFilter(encoded));

  // Output stream order = rendition order, so video stream i and audio stream i belong to rendition i.
  for (const [i, r] of renditions.entries()) {
    args.push('-map', r.passthrough ? '0:v:0' : `[v${i}]`);
    if (source.hasAudio) args.push('-map', '0:a:0');
  }

  const gop = source.fps > 0 ? Math.round(source.fps * seg) : null;
  for (const [i, r] of renditions.entries()) {
    const v = `:v:${i}`;
    if (r.passthrough) {
      args.push(`-c${v}`, 'copy');
      continue;
    }
    const enc = encodingFor(r, source.fps);
    args.push(
      `-c${v}`, 'libx264',
      // superfast rather than veryfast: the whole 1080p-source ladder then fits in about one core
      // (1.06 vs 1.20 CPU-s per media-s measured here), leaving room for the rest of the box.
      `-preset${v}`, 'superfast',
      // No lookahead, B-frames or frame-thread pipeline: about 1 s less before the first segment and
      // on every frame's way to viewers, for ~15-20% more bits at equal quality. Replays get the
      // efficient encode from the VOD job.
      `-tune${v}`, 'zerolatency',
      // Explicit profile/level so the master playlist's CODECS matches the bitstream.
      `-profile${v}`, enc.profile,
      `-level${v}`, enc.level,
      `-b${v}`, kbps(r.videoBitrateKbps),
      `-maxrate${v}`, kbps(r.videoBitrateKbps * MAXRATE_FACTOR),
      // One and a half seconds of VBV: smooth enough for veryfast, small enough for live.
      `-bufsize${v}`, kbps(r.videoBitrateKbps * 1.5),
      // No scene-cut keyframes: they would differ per rendition and break switching alignment.
      `-sc_threshold${v}`, '0',
      // Keyframes on every segment boundary, identical across renditions (time-based, not frame-based):
      // at 0, then seg/2 (the short first segment, see -hls_init_time), then every seg seconds.
      `-force_key_frames${v}`, keyframeExpr(seg),
    );
    if (gop !== null) args.push(`-g${v}`, String(gop), `-keyint_min${v}`, String(gop));
  }

  if (source.hasAudio) {
    args.push('-c:a', 'aac', '-ar', '48000', '-ac', '2');
    for (const [i, r] of renditions.entries()) args.push(`-b:a:${i}`, kbps(r.audioBitrateKbps));
  }

  const streamMap = renditions
    .map((r, i) => (source.hasAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`))
    .join(' ');
  args.push(
    '-f', 'hls',
    '-hls_time', String(seg),
    // The first segment is half as long, so the stream is playable about seg/2 seconds sooner after publish.
    '-hls_init_time', String(seg / 2),
    // Keep every segment in ffmpeg's local playlist; the worker publishes its own playlist model.
    '-hls_list_size', '0',
    '-hls_playlist_type', 'event',
    // temp_file: a segment appears under its final name only once complete, so the watcher never uploads half a file.
    '-hls_flags', 'independent_segments+temp_file',
    '-hls_segment_type', 'mpegts',
    // The run number keeps segment names unique across ffmpeg restarts of the same session.
    '-hls_segment_filename', `${input.outDir}/%v/r${input.run}_%05d.ts`,
  );
  if (input.masterPlaylistName) args.push('-master_pl_name', input.masterPlaylistName);
  args.push('-var_stream_map', streamMap, `${input.outDir}/%v/index.m3u8`);
  if (input.archive) args.push(...archiveOutputArgs(input.archive));
  return args;
}
