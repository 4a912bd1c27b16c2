import type { Rendition, SourceInfo } from '@onda/contracts';
import { encodingFor, MAXRATE_FACTOR, renditionFps } from './ladder.js';
import { archiveOutputArgs, fpsRate, ladderFilter, LIVE_INPUT_ARGS, type ArchiveOutput } from './live-args.js';
import { thumbnailOutputArgs, type ThumbnailOutput } from './thumbnail-args.js';

/**
 * ffmpeg cuts a fragment once it holds this much media (microseconds). 330 ms gives exactly 10
 * frames per fragment at 30 fps (and 20 at 60), aligned across renditions because every rung sees
 * the same frames; measured on ffmpeg 5.1 with audio muxed into the same fragments.
 */
export const LL_FRAGMENT_US = 330_000;

/**
 * Parts of a run's first segments ("lead" segments), after which segments are `segmentSeconds` long. hls.js
 * (1.7) refuses a playlist without a complete segment (parts only: LEVEL_EMPTY_ERROR, then a retry after a
 * back-off), so a stream is playable only once its first segment is complete: one part, about 1.7 s sooner
 * than a whole segment. The second is two parts because hls.js loads the parts of the segment in progress
 * only while the newest complete segment ends at least that segment's listed parts after the playlist's
 * first part (base-stream-controller shouldLoadParts); after the one-part first segment, with parts of a
 * 2 s second segment listed, it waited for that whole segment (a start stuck ~2 s on the first third of a
 * second). A two-part second segment completes 0.67 s later, when a viewer starting PART-HOLD-BACK (three
 * parts) behind the edge can start anyway, and holds that rule for the parts listed after it.
 * ffmpeg is told to put a keyframe at the end of each (llKeyframeExpr); the packager closes each as soon
 * as its last part is stored.
 */
export const LL_LEAD_SEGMENT_PARTS: readonly number[] = [1, 2];

/** Where each lead segment ends, in parts from the run's start: [1, 2] -> [1, 3]. */
export function llLeadSegmentEnds(lead: readonly number[] = LL_LEAD_SEGMENT_PARTS): number[] {
  let count = 0;
  return lead.map((parts) => (count += parts));
}

/**
 * ffmpeg `-force_key_frames` expression of low-latency mode: a keyframe at 0, at the end of each lead
 * segment (LL_LEAD_SEGMENT_PARTS: 0.33 and 0.99 s), then every `seg` seconds from the last one (2.99,
 * 4.99...). ffmpeg cuts a fragment at the first frame LL_FRAGMENT_US after the previous cut, and at every
 * keyframe (frag_keyframe), so every segment is whole parts and starts with an independent one.
 */
export function llKeyframeExpr(seg: number, lead: readonly number[] = LL_LEAD_SEGMENT_PARTS): string {
  const part = LL_FRAGMENT_US / 1e6;
  const ends = llLeadSegmentEnds(lead).map((n) => +(n * part).toFixed(6));
  const last = ends.at(-1) ?? 0;
  let expr = `gte(t,${last}+(n_forced-${ends.length})*${seg})`;
  for (let i = ends.length - 1; i >= 0; i--) expr = `if(eq(n_forced,${i + 1}),gte(t,${ends[i]}),${expr})`;
  return `expr:if(eq(n_forced,0),1,${expr})`;
}

export interface LlArgsInput {
  pullUrl: string;
  renditions: Rendition[];
  source: SourceInfo;
  segmentSeconds: number;
  /** One ffmpeg output URL per rendition, same order (e.g. `unix:/tmp/…/720p.sock`): fMP4 streams read by the packager. */
  outputs: string[];
  inputArgs?: readonly string[];
  archive?: ArchiveOutput;
  /** x264 preset of every rung (default superfast; an overload step may ask for a faster one). */
  preset?: string;
  /** Also write a live thumbnail from the smallest rung. */
  thumbnail?: ThumbnailOutput;
}

const kbps = (n: number): string => `${Math.round(n)}k`;

/**
 * The PART-TARGET for a frame rate: the longest fragment ffmpeg cuts with LL_FRAGMENT_US, rounded up
 * to the millisecond. With audio, the first video sample of a run is stretched by one AAC frame
 * (1024 samples at 48 kHz: ffmpeg lines the tracks up at 0), so the first part is that much longer.
 */
export function llPartTarget(fps: number, hasAudio = false): number {
  const f = fps > 0 ? fps : 30;
  const frames = Math.ceil((LL_FRAGMENT_US / 1e6) * f - 1e-9);
  return Math.ceil((frames / f + (hasAudio ? 1024 / 48000 : 0)) * 1000 - 1e-6) / 1000;
}

/**
 * Arguments for ONE ffmpeg (one decode, the same scaling cascade as the normal ladder) writing, for
 * every encoded rendition, fragmented MP4 to its own output: `ftyp`+`moov` once (the init segment),
 * then a `moof`+`mdat` pair every ~1/3 s (the LL-HLS parts). The packager turns those into parts,
 * segments and playlists. The archive, when on, is the same remux output as in normal mode.
 */
export function buildLlArgs(input: LlArgsInput): string[] {
  const { renditions, source, segmentSeconds: seg } = input;
  if (renditions.some((r) => r.passthrough)) throw new Error('low-latency mode encodes every rung (no passthrough copy)');
  if (input.outputs.length !== renditions.length) throw new Error('one output per rendition');
  const inputArgs = input.inputArgs ?? LIVE_INPUT_ARGS;
  // Do not read 40 frames (1.3 s at 30 fps) of an RTMP stream to guess its frame rate before the first
  // part can start: each output's rate is set below from the source the ingest probed.
  const args: string[] = [...inputArgs, ...(inputArgs.includes('-fpsprobesize') ? [] : ['-fpsprobesize', '0']), '-i', input.pullUrl];
  args.push('-filter_complex', ladderFilter(renditions.map((r, i) => ({ r, i })), source.fps, input.thumbnail));
  for (const [i, r] of renditions.entries()) {
    const enc = encodingFor(r, source.fps);
    const fps = renditionFps(r, source);
    const gop = fps > 0 ? Math.round(fps * seg) : null;
    args.push('-map', `[v${i}]`);
    if (source.hasAudio) args.push('-map', '0:a:0');
    args.push(
      '-c:v', 'libx264',
      '-preset', input.preset ?? 'superfast',
      // No lookahead, B-frames or frame threads: what reaches x264 leaves it at once (see live-args.ts).
      '-tune', 'zerolatency',
      '-profile:v', enc.profile,
      '-level:v', enc.level,
      '-b:v', kbps(r.videoBitrateKbps),
      '-maxrate:v', kbps(r.videoBitrateKbps * MAXRATE_FACTOR),
      '-bufsize:v', kbps(r.videoBitrateKbps * 1.5),
      // Keyframes only on segment boundaries, identical in every rung: segments and INDEPENDENT parts align.
      '-sc_threshold', '0',
      '-force_key_frames', llKeyframeExpr(seg),
    );
    if (gop !== null) args.push('-g', String(gop), '-keyint_min', String(gop));
    if (fps > 0) args.push('-r', fpsRate(fps));
    if (source.hasAudio) args.push('-c:a', 'aac', '-ar', '48000', '-ac', '2', '-b:a', kbps(r.audioBitrateKbps));
    args.push(
      '-f', 'mp4',
      // empty_moov: the init segment comes first and alone; default_base_moof: each fragment is
      // self-contained (a part object decodes with the init alone); frag_keyframe: a keyframe always
      // starts a fragment; skip_trailer: no mfra index at the end of a stream nobody seeks in.
      '-movflags', 'empty_moov+default_base_moof+frag_keyframe+skip_trailer',
      '-frag_duration', String(LL_FRAGMENT_US),
      input.outputs[i]!,
    );
  }
  if (input.archive) args.push(...archiveOutputArgs(input.archive));
  if (input.thumbnail) args.push(...thumbnailOutputArgs(input.thumbnail));
  return args;
}
