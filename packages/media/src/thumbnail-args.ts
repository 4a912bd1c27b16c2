import type { Rendition, SourceInfo } from '@onda/contracts';
import { isAudioOnly, planLadder } from './ladder.js';

/** A live thumbnail written by the live ffmpeg itself (see thumbnailOutputArgs). */
export interface ThumbnailOutput {
  /** The JPEG, rewritten in place (atomically) on every new picture, e.g. `/scratch/s1/thumb.jpg`. */
  path: string;
  /** Seconds between pictures; the first one is the run's first frame. */
  intervalSeconds: number;
}

/** The filter graph label the ladder's smallest rung is tapped to when a thumbnail is written. */
export const THUMBNAIL_TAP = 'thumbsrc';

/**
 * The filter chain from the tapped smallest rung to the `[thumb]` output: one frame at once, then one frame
 * every `intervalSeconds` of media. `select` instead of `fps=1/30`: fps waits for the end of its first
 * interval before emitting, select passes the very first frame, so a viewer sees a picture seconds after
 * the broadcast starts. Only selected frames reach the range conversion (JPEG is full range) and the encoder.
 */
export function thumbnailFilter(t: ThumbnailOutput): string {
  return `[${THUMBNAIL_TAP}]select='isnan(prev_selected_t)+gte(t-prev_selected_t,${t.intervalSeconds})',scale=out_range=full:flags=bilinear[thumb]`;
}

/**
 * Output arguments of the live thumbnail: the `[thumb]` frames as one JPEG overwritten in place. No decode
 * and no scaler of its own: the frames are the smallest rung's, already decoded and scaled for its encoder.
 */
export function thumbnailOutputArgs(t: ThumbnailOutput): string[] {
  return [
    '-map', '[thumb]',
    '-c:v', 'mjpeg',
    // qscale 5 of 2 (best) to 31: a 640x360 picture of ~20-40 kB, sharp enough for a card.
    '-q:v', '5',
    // Every selected frame as it comes: without this the image2 muxer would repeat frames up to a constant rate.
    '-fps_mode', 'passthrough',
    '-f', 'image2',
    // One file, rewritten on every frame; atomic_writing writes a temp file and renames it, so the worker
    // never uploads half a picture.
    '-update', '1',
    '-atomic_writing', '1',
    t.path,
  ];
}

/**
 * Where a live broadcast's thumbnail comes from: the live ffmpeg's smallest encoded rung (`ladder`), or, when
 * no rung is encoded (a normal-latency ladder that only copies the source: the passthrough profile at 360p
 * or below, or an admission that found no CPU for any encode), one keyframe of a copied segment, decoded on
 * its own at the size the ladder path would give (`copy`, see keyframeThumbnailArgs). Null for audio only.
 */
export type LiveThumbnailSource =
  | { from: 'ladder' }
  | { from: 'copy'; rendition: string; width: number; height: number };

/** Decides the live thumbnail's source for a planned ladder (see LiveThumbnailSource). */
export function liveThumbnailSource(renditions: readonly Rendition[], source: SourceInfo): LiveThumbnailSource | null {
  if (renditions.some((r) => !r.passthrough && !isAudioOnly(r))) return { from: 'ladder' };
  const copy = renditions.find((r) => r.passthrough);
  if (!copy) return null;
  // The smallest rung of the default ladder for this source: 640x360 for 16:9, the source size below 360p.
  const smallest = planLadder(source, { profile: 'default', passthrough: false }).at(-1)!;
  return { from: 'copy', rendition: copy.name, width: smallest.width, height: smallest.height };
}

/**
 * One live thumbnail from a copied segment, decoding nothing but its first keyframe (a segment of a copy
 * starts on one), written to `output` like the ladder's picture (atomically, in place).
 */
export function keyframeThumbnailArgs(input: string, output: string, size: { width: number; height: number }): string[] {
  return [
    // The decoder drops every frame that is not a keyframe before decoding it: the cost is one picture.
    '-skip_frame', 'nokey',
    '-i', input,
    '-map', '0:v:0',
    '-frames:v', '1',
    // Same scaler and range as the ladder's picture (thumbnailFilter), straight to the smallest rung's size.
    '-vf', `scale=${size.width}:${size.height}:flags=bilinear:out_range=full`,
    '-c:v', 'mjpeg',
    '-q:v', '5',
    '-f', 'image2',
    '-update', '1',
    '-atomic_writing', '1',
    output,
  ];
}
