import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { CLIP_FILES, type ClipJob } from '@onda/contracts';
import { buildClipCutArgs, buildClipHlsArgs, buildPosterArgs, keyframeAtOrBefore, keyframePackets, probe } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import { InternalHttpError } from '@onda/internal-http';
import type { MediaJobOptions } from './job-options.js';
import { withContext } from './logger.js';
import { PLAYLIST_TYPE, SEGMENT_CACHE } from './playlist-publisher.js';
import { retry } from './retry.js';
import { runFfmpeg } from './run-ffmpeg.js';

export type ClipOptions = MediaJobOptions<ClipJob>;

/** A clip that cannot be cut from what is stored (segments gone, no keyframe): retrying will not help. */
export class ClipInputError extends Error {}

/** What the cut came out as: where it starts in the asked range's first segment, and how long it is. */
export interface ClipCut {
  /** Seconds from the first segment's start to the keyframe the clip starts on. */
  startSeconds: number;
  durationSeconds: number;
  width: number;
  height: number;
}

/**
 * Cuts a clip without re-encoding: the covering segments are joined as they are (MPEG-TS segments concatenate;
 * fMP4 ones after their initialization segment), the clip starts on the last keyframe at or before the asked
 * start and ends at the asked end (stream copy to an MP4), then the MP4 is repackaged as HLS and a poster is
 * taken. Every output has a fixed key, so a retried job overwrites a crashed one's.
 */
export async function runClip(options: ClipOptions): Promise<ClipCut | null> {
  const o = { ...options, logger: withContext(options.logger, { clipId: options.job.clipId }) };
  const { job, storage, api, logger } = o;
  const dir = join(o.scratchDir, `clip-${job.clipId}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'hls'), { recursive: true });
  try {
    const joined = join(dir, job.init ? 'joined.mp4' : 'joined.ts');
    await joinSegments(storage, job, joined);
    const cut = await cutClip(o, joined, dir);
    const put = (key: string, file: string, contentType: string): Promise<void> =>
      retry(() => storage.putFile(`${job.storagePrefix}/${key}`, file, { contentType, cacheControl: SEGMENT_CACHE }), { attempts: 6, baseMs: 500, maxMs: 8000 });
    // Segments before the playlist that names them.
    for (const f of (await readdir(join(dir, 'hls'))).filter((n) => n.endsWith('.ts')).sort()) await put(`hls/${f}`, join(dir, 'hls', f), 'video/mp2t');
    await put(CLIP_FILES.playlist, join(dir, CLIP_FILES.playlist), PLAYLIST_TYPE);
    await put(CLIP_FILES.mp4, join(dir, CLIP_FILES.mp4), 'video/mp4');
    await put(CLIP_FILES.poster, join(dir, CLIP_FILES.poster), 'image/jpeg');
    await api.clipResult(job.clipId, { status: 'ready', durationSeconds: cut.durationSeconds, width: cut.width, height: cut.height });
    logger.info({ asked: job.durationSeconds, cut: cut.durationSeconds, early: job.offsetSeconds - cut.startSeconds }, 'clip ready');
    return cut;
  } catch (err) {
    if (err instanceof InternalHttpError && err.status === 404) {
      // Deleted while it was cut: nothing to keep.
      logger.warn('clip no longer exists; dropping its files');
      await storage.deletePrefix(`${job.storagePrefix}/`).catch(() => 0);
      return null;
    }
    if (err instanceof ClipInputError) {
      logger.warn({ reason: err.message }, 'clip failed');
      await api.clipResult(job.clipId, { status: 'failed', reason: err.message });
      return null;
    }
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the initialization segment (if any) and the segments, in order, into one file. */
async function joinSegments(storage: ObjectStorage, job: ClipJob, file: string): Promise<void> {
  const out = createWriteStream(file);
  try {
    for (const name of [...(job.init ? [job.init] : []), ...job.segments.map((s) => s.uri)]) {
      const obj = await storage.get(`${job.sourcePrefix}/${name}`);
      if (!obj) throw new ClipInputError(`segment ${name} is no longer stored`);
      for await (const chunk of obj.body) if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** The cut itself (MP4 by stream copy, HLS, poster) from the joined segments, into `dir`. */
export async function cutClip(o: Pick<ClipOptions, 'job' | 'ffmpegPath' | 'ffprobePath' | 'signal'>, joined: string, dir: string): Promise<ClipCut> {
  const { job } = o;
  const info = await probe(joined, o).catch(() => null);
  if (!info?.streams.some((s) => s.codec_type === 'video')) throw new ClipInputError('the stored segments hold no video');
  // ffmpeg counts an output-side -ss from the file's start time (its earliest stream's first presentation time).
  const origin = Number(info.format.start_time ?? 0) || 0;
  const keyframes = (await keyframePackets(joined, o)).map((k) => ({ pts: k.pts - origin, dts: k.dts - origin }));
  const from = keyframeAtOrBefore(keyframes.map((k) => k.pts), job.offsetSeconds);
  if (from === null) throw new ClipInputError('no keyframe in the stored segments');
  const keyframe = keyframes.find((k) => k.pts === from)!;
  const mp4 = join(dir, CLIP_FILES.mp4);
  await ffmpeg(o, clipCutArgs(joined, keyframe.dts, job.offsetSeconds + job.durationSeconds, mp4));
  await ffmpeg(o, buildClipHlsArgs(mp4, join(dir, 'hls')));
  const made = await probe(mp4, o);
  const video = made.streams.find((s) => s.codec_type === 'video');
  const durationSeconds = Number(made.format.duration ?? 0);
  if (!video || !(durationSeconds > 0)) throw new ClipInputError('the cut holds no video');
  await ffmpeg(o, buildPosterArgs(mp4, Math.min(1, durationSeconds / 2), join(dir, CLIP_FILES.poster)));
  return { startSeconds: from, durationSeconds, width: video.width ?? 0, height: video.height ?? 0 };
}

/**
 * The stream-copy cut starting on a keyframe that decodes at `keyframeDts` and ending at `endSeconds` (seconds from
 * the file's start time). ffmpeg's output-side -ss drops copied packets by their decode time, and with B-frames (the
 * VOD encode; a passthrough encoder's) a keyframe decodes before it shows: a seek to its presentation time dropped
 * it, and the clip's picture started a whole keyframe interval late, over sound. So the seek is its decode time;
 * and a keyframe decoding at or before the start of the file (the first one: negative with B-frames) needs no seek
 * at all, since `-ss 0` would drop it as well (ffmpeg drops the video packets before the first keyframe anyway).
 */
export function clipCutArgs(joined: string, keyframeDts: number, endSeconds: number, output: string): string[] {
  const seek = Math.max(0, keyframeDts);
  const args = buildClipCutArgs(joined, seek, endSeconds - seek, output);
  if (keyframeDts > 0.001) return args;
  const at = args.indexOf('-ss');
  return [...args.slice(0, at), ...args.slice(at + 2)];
}

const ffmpeg = (o: Pick<ClipOptions, 'ffmpegPath' | 'signal'>, args: string[]): Promise<void> => runFfmpeg(args, { ffmpegPath: o.ffmpegPath, signal: o.signal, what: 'clip' });
