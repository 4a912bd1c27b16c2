import type { Rendition, SourceInfo } from '@onda/contracts';
import { encodingFor, isAudioOnly, LIVE_PRESET, MAXRATE_FACTOR, renditionFps } from './ladder.js';
import { THUMBNAIL_TAP, thumbnailFilter, thumbnailOutputArgs, type ThumbnailOutput } from './thumbnail-args.js';

/** Input flags for a live RTMP pull: start fast, never hang on a dead ingest. */
export const LIVE_INPUT_ARGS: readonly string[] = [
  // No `-fflags nobuffer`: it throws away the packets read while probing, i.e. the start of the GOP the
  // ingest replays to a late-attaching worker, so decoding began at the NEXT keyframe (up to a GOP, 2 s
  // with OBS defaults, before the first segment; the recording lost its start too). Buffered, the
  // probed packets are decoded right after probing, from the burst the ingest sends at once.
  // Probe at most 1 s / 500 kB: the ingest already knows the codecs and publish-to-playable must stay under 2 s.
  '-analyzeduration', '1000000',
  '-probesize', '500000',
  // Do not wait for 40 frames of timestamps to guess the frame rate (FLV's millisecond time base doubles
  // ffmpeg's default of 20): the rate comes from the stream's metadata, and the job's source fps drives the
  // ladder anyway. B-frame reordering is still learned from the SPS (or the first frames) before probing
  // ends. Measured against a fresh RTMP publish of the OBS-like 1080p30 source: probing ended 0.42 s after
  // the first packet with the default, 0.03-0.10 s with 0.
  '-fpsprobesize', '0',
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
  /** x264 preset of every encoded rung (default LIVE_PRESET). */
  preset?: string;
  /** Also write a live thumbnail from the smallest encoded rung (nothing when no rung is encoded: see liveThumbnailSource). */
  thumbnail?: ThumbnailOutput;
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

/**
 * Length of a live playlist's first segment: the stream is playable as soon as it is written, so it is short
 * (at most half a segment, 0.5 s for 2 s segments). Encoded rungs get a keyframe there (keyframeExpr).
 */
export const firstSegmentSeconds = (seg: number): number => Math.min(seg / 2, 0.5);

/**
 * ffmpeg `-force_key_frames` expression: a keyframe at 0, at the end of the short first segment, then at
 * every multiple of `seg`. The multiples line up with an encoder's own fixed GOP of `seg` seconds (OBS's
 * 2 s keyframe interval), so a source copy beside the encoded rungs cuts its segments at the same times
 * from `seg` on (its first segment spans the encoded rungs' first two).
 */
export const keyframeExpr = (seg: number): string => {
  const init = firstSegmentSeconds(seg);
  return `expr:if(eq(n_forced,0),1,if(eq(n_forced,1),gte(t,${init}),gte(t,(n_forced-1)*${seg})))`;
};

/** An `fps` filter rate: NTSC rates as their exact fraction (29.97 -> 30000/1001), so hours of frames never drift. */
export function fpsRate(fps: number): string {
  const ntsc = Math.round((fps * 1001) / 1000);
  if (Math.abs((ntsc * 1000) / 1001 - fps) < 0.005 && Math.abs(ntsc - fps) > 0.005) return `${ntsc * 1000}/1001`;
  return String(Math.round(fps * 1000) / 1000);
}

/**
 * The scaling graph: decode once, then scale in a cascade, largest rung first, each rung scaled from
 * the one above it (1080p -> 720p -> 480p -> 360p) instead of every rung from the full-size source.
 * Measured on a 1080p30 source: 1.62 CPU-s per media-s with three bicubic scalers reading 1080p,
 * 1.20 with the bilinear cascade. format=yuv420p once, at the top (High profile needs 4:2:0).
 * A rung with a lower frame rate than the one above it gets an `fps` filter before its scaler: frames
 * dropped there are never scaled, and every rung below inherits the lower rate (rates only fall down the
 * ladder). Keyframes stay aligned across rates because they are forced by time (keyframeExpr).
 * With `thumbnail`, the smallest rung is also split to the live thumbnail's chain (thumbnailFilter).
 */
export function ladderFilter(encoded: ReadonlyArray<{ r: Rendition; i: number }>, sourceFps = 0, thumbnail?: ThumbnailOutput): string {
  const rungs = [...encoded].sort((a, b) => b.r.height - a.r.height);
  let rate = sourceFps;
  return rungs
    .map(({ r, i }, k) => {
      const input = k === 0 ? '[0:v]' : `[t${k - 1}]`;
      let fps = '';
      if (r.fps !== undefined && (rate <= 0 || r.fps < rate - 1e-6)) {
        fps = `fps=${fpsRate(r.fps)},`;
        rate = r.fps;
      }
      const scale = `${fps}scale=${r.width}:${r.height}:flags=bilinear${k === 0 ? ',format=yuv420p' : ''}`;
      if (k < rungs.length - 1) return `${input}${scale},split=2[v${i}][t${k}]`;
      return thumbnail ? `${input}${scale},split=2[v${i}][${THUMBNAIL_TAP}];${thumbnailFilter(thumbnail)}` : `${input}${scale}[v${i}]`;
    })
    .join(';');
}

/**
 * Arguments for ONE ffmpeg that decodes the input once and `split`s it into every encoded rendition,
 * writing `<outDir>/<name>/index.m3u8` and `<outDir>/<name>/r<run>_%05d.ts` per rendition.
 */
export function buildLiveArgs(input: LiveArgsInput): string[] {
  const { renditions, source, segmentSeconds: seg } = input;
  // An audio-only source has one rendition and no video stream at all: AAC segments, nothing to scale.
  const audioOnly = renditions.length === 1 && isAudioOnly(renditions[0]!);
  const encoded = renditions.map((r, i) => ({ r, i })).filter(({ r }) => !r.passthrough && !isAudioOnly(r));
  const args: string[] = [...(input.inputArgs ?? LIVE_INPUT_ARGS), '-i', input.pullUrl];

  const thumbnail = encoded.length > 0 ? input.thumbnail : undefined;
  if (encoded.length > 0) args.push('-filter_complex', ladderFilter(encoded, source.fps, thumbnail));

  // Output stream order = rendition order, so video stream i and audio stream i belong to rendition i.
  for (const [i, r] of renditions.entries()) {
    if (!audioOnly) args.push('-map', r.passthrough ? '0:v:0' : `[v${i}]`);
    if (source.hasAudio || audioOnly) args.push('-map', '0:a:0');
  }

  for (const [i, r] of audioOnly ? [] : renditions.entries()) {
    const v = `:v:${i}`;
    if (r.passthrough) {
      args.push(`-c${v}`, 'copy');
      continue;
    }
    const enc = encodingFor(r, source.fps);
    const fps = renditionFps(r, source);
    const gop = fps > 0 ? Math.round(fps * seg) : null;
    args.push(
      `-c${v}`, 'libx264',
      // superfast rather than veryfast by default: the whole 1080p-source ladder then fits in about one core
      // (1.06 vs 1.20 CPU-s per media-s measured here), leaving room for the rest of the box.
      `-preset${v}`, input.preset ?? LIVE_PRESET,
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
      // at 0, at the end of the short first segment (see -hls_init_time), then every multiple of seg.
      `-force_key_frames${v}`, keyframeExpr(seg),
    );
    if (gop !== null) args.push(`-g${v}`, String(gop), `-keyint_min${v}`, String(gop));
  }

  if (source.hasAudio || audioOnly) {
    args.push('-c:a', 'aac', '-ar', '48000', '-ac', '2');
    for (const [i, r] of renditions.entries()) args.push(`-b:a:${i}`, kbps(r.audioBitrateKbps));
  }

  const streamMap = renditions
    .map((r, i) => (audioOnly ? `a:${i},name:${r.name}` : source.hasAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`))
    .join(' ');
  args.push(
    '-f', 'hls',
    '-hls_time', String(seg),
    // The first segment is short, so the stream is playable that much sooner after publish (keyframes forced there).
    '-hls_init_time', String(firstSegmentSeconds(seg)),
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
  if (thumbnail) args.push(...thumbnailOutputArgs(thumbnail));
  return args;
}
