import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { VOD_FILES, type SourceInfo, type VodEncodeJob } from '@onda/contracts';
import {
  AAC_LC_CODEC, avc1Codec, buildJoinArgs, buildPosterArgs, buildStoryboardArgs, buildVodArgs, encodingFor, ffconcatList, type FfmpegProgress,
  planStoryboard, planVodLadder, probe, renderMaster, storyboardVtt,
} from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import { InternalHttpError } from '@onda/internal-http';
import { isTakeoverNote, parseTakeoverNote, sortChunks, type TakeoverNote } from './archive-recorder.js';
import type { MediaJobOptions } from './job-options.js';
import { withContext } from './logger.js';
import { PLAYLIST_TYPE } from './playlist-publisher.js';
import { retry } from './retry.js';
import { runFfmpeg } from './run-ffmpeg.js';

export interface VodEncodeOptions extends MediaJobOptions<VodEncodeJob> {
  /** x264 preset of the ladder (default `faster`). */
  preset?: string;
  progressIntervalMs?: number;
}

/** A failure that retrying cannot fix (bad input): the VOD is marked failed at once. */
export class VodInputError extends Error {}

const SEGMENT_CACHE = 'public, max-age=31536000, immutable';
const PLAYLIST_CACHE = 'public, max-age=60';

/** Archive duration may differ from the live playlists' media time by this much (the last segment, AAC priming). */
export const archiveTolerance = (mediaSeconds: number): number => Math.max(2, mediaSeconds * 0.02);

/**
 * Re-encodes a VOD's source into the HLS VOD ladder, a poster and a storyboard, all under the VOD's
 * storage prefix. Idempotent: every output has a fixed key, so a retried job overwrites a crashed one's.
 * A recording's source is first joined from the archive chunks (once; the joined MP4 is kept).
 */
export async function runVodEncode(options: VodEncodeOptions): Promise<void> {
  // Every line about this encode carries the VOD's id.
  const o = { ...options, logger: withContext(options.logger, { vodId: options.job.vodId }) };
  const { job, storage, api, logger } = o;
  const dir = join(o.scratchDir, `vod-${job.vodId}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const source = join(dir, 'source.mp4');
    if (!(await download(storage, job.sourceKey, source))) await joinArchive(o, dir, source);

    const info = await probe(source, o).catch(() => null);
    const video = info?.streams.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png');
    const duration = Number(info?.format.duration ?? 0);
    if (!info || !video || !video.width || !video.height || !(duration > 0)) throw new VodInputError('the file is not a video ffmpeg can read');
    const [num, den] = (video.avg_frame_rate ?? '0/1').split('/').map(Number);
    const src: SourceInfo = {
      width: video.width, height: video.height, fps: den ? num! / den : 0,
      hasAudio: info.streams.some((s) => s.codec_type === 'audio'), videoCodec: video.codec_name ?? null, audioCodec: null,
    };
    const renditions = planVodLadder(src);
    const out = join(dir, 'hls');
    await ffmpeg(o, buildVodArgs({ input: source, outDir: out, renditions, source: src, preset: o.preset }), duration);

    await ffmpeg(o, buildPosterArgs(source, duration * 0.1, join(dir, VOD_FILES.poster)));
    const layout = planStoryboard(duration, src);
    await ffmpeg(o, buildStoryboardArgs(source, layout, join(dir, VOD_FILES.storyboardSprite)));
    await writeFile(join(dir, VOD_FILES.storyboardVtt), storyboardVtt(layout, duration, VOD_FILES.storyboardSprite));

    const put = (key: string, file: string, contentType: string, cacheControl: string): Promise<void> =>
      retry(() => storage.putFile(`${job.storagePrefix}/${key}`, file, { contentType, cacheControl }), { attempts: 6, baseMs: 500, maxMs: 8000 });
    for (const r of renditions) {
      const files = (await readdir(join(out, r.name))).sort();
      // Segments before the playlist that names them, as for live.
      for (const f of files.filter((n) => n.endsWith('.ts'))) await put(`hls/${r.name}/${f}`, join(out, r.name, f), 'video/mp2t', SEGMENT_CACHE);
      await put(`hls/${r.name}/index.m3u8`, join(out, r.name, 'index.m3u8'), PLAYLIST_TYPE, PLAYLIST_CACHE);
    }
    const master = renderMaster(renditions.map((r) => {
      const v = avc1Codec(encodingFor(r, src.fps));
      return { rendition: r, uri: `${r.name}/index.m3u8`, codecs: src.hasAudio ? `${v},${AAC_LC_CODEC}` : v, frameRate: src.fps > 0 ? src.fps : null };
    }));
    await writeFile(join(dir, 'master.m3u8'), master);
    await put(VOD_FILES.master, join(dir, 'master.m3u8'), PLAYLIST_TYPE, PLAYLIST_CACHE);
    await put(VOD_FILES.poster, join(dir, VOD_FILES.poster), 'image/jpeg', SEGMENT_CACHE);
    await put(VOD_FILES.storyboardSprite, join(dir, VOD_FILES.storyboardSprite), 'image/jpeg', SEGMENT_CACHE);
    await put(VOD_FILES.storyboardVtt, join(dir, VOD_FILES.storyboardVtt), 'text/vtt', PLAYLIST_CACHE);

    await api.vodResult(job.vodId, { status: 'ready', durationSeconds: duration, width: renditions[0]!.width, height: renditions[0]!.height, renditions: renditions.map((r) => r.name) });
    logger.info({ duration, renditions: renditions.map((r) => r.name) }, 'VOD ready');
  } catch (err) {
    if (err instanceof InternalHttpError && err.status === 404) {
      // The VOD was deleted while it encoded: nothing left to do, and nothing to retry.
      logger.warn('VOD no longer exists; dropping its encode');
      await storage.deletePrefix(`${job.storagePrefix}/`).catch(() => 0);
      return;
    }
    if (err instanceof VodInputError) {
      logger.warn({ reason: err.message }, 'VOD failed');
      await api.vodResult(job.vodId, { status: 'failed', reason: err.message });
      return;
    }
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams an object to a file; false when it does not exist. */
async function download(storage: ObjectStorage, key: string, file: string): Promise<boolean> {
  const obj = await storage.get(key);
  if (!obj) return false;
  await pipeline(obj.body, createWriteStream(file));
  return true;
}

/** Joins a recording's archive chunks into the source MP4, checks it against the broadcast, stores it and drops the chunks. */
async function joinArchive(o: VodEncodeOptions, dir: string, output: string): Promise<void> {
  const { job, storage, api } = o;
  const prefix = `${job.storagePrefix}/${VOD_FILES.archiveChunks}/`;
  const names: string[] = [];
  for await (const obj of storage.list(prefix)) names.push(obj.key.slice(prefix.length));
  const takeovers: TakeoverNote[] = [];
  for (const name of names.filter(isTakeoverNote)) {
    const obj = await storage.get(prefix + name);
    if (!obj) continue;
    const parts: Buffer[] = [];
    for await (const c of obj.body) parts.push(Buffer.from(c as Uint8Array));
    takeovers.push(parseTakeoverNote(Buffer.concat(parts).toString('utf8')));
  }
  const chunks: string[] = [];
  for (const name of sortChunks(names)) {
    const file = join(dir, name);
    await download(storage, prefix + name, file);
    // A chunk cut short before its first fragment holds nothing playable; leave it out rather than fail the join.
    const d = Number((await probe(file, o).catch(() => null))?.format.duration ?? 0);
    if (d > 0) chunks.push(file);
  }
  if (chunks.length === 0) {
    await api.vodArchive(job.vodId, { status: 'failed', reason: 'nothing was recorded' });
    throw new VodInputError('nothing was recorded');
  }
  const list = join(dir, 'chunks.ffconcat');
  await writeFile(list, ffconcatList(chunks));
  await ffmpeg(o, buildJoinArgs(list, output));
  await Promise.all(chunks.map((c) => rm(c)));

  const { size } = await stat(output);
  const durationSeconds = Number((await probe(output, o)).format.duration ?? 0);
  const expected = job.expectedSeconds;
  // Each worker that died mid-broadcast cut the live playlists and the archive at different points: the
  // archive may miss up to a chunk the playlists have (its scratch folder was on another machine), or hold
  // up to two segments they lack (the last segments were never uploaded).
  const shortBy = takeovers.reduce((sum, t) => sum + t.chunkSeconds + t.segmentSeconds, 0);
  const longBy = takeovers.reduce((sum, t) => sum + 2 * t.segmentSeconds, 0);
  const fits = expected === undefined
    || (durationSeconds >= expected - shortBy - archiveTolerance(expected) && durationSeconds <= expected + longBy + archiveTolerance(expected));
  if (size === 0 || !(durationSeconds > 0) || !fits) {
    const reason = `archive check failed: ${size} bytes, ${durationSeconds.toFixed(1)} s for ${expected?.toFixed(1) ?? '?'} s of broadcast`;
    await api.vodArchive(job.vodId, { status: 'failed', reason });
    throw new VodInputError(reason);
  }
  if (takeovers.length > 0) {
    o.logger.warn({ durationSeconds, expected, takeovers: takeovers.length }, 'a worker died during the broadcast; the VOD is what was recorded');
  }
  await retry(() => storage.putFile(job.sourceKey, output, { contentType: 'video/mp4' }), { attempts: 6, baseMs: 500, maxMs: 8000 });
  const stored = await storage.head(job.sourceKey);
  if (!stored || stored.size !== size) throw new Error(`archive upload check failed: stored ${stored?.size ?? 'nothing'} of ${size} bytes`);
  // The API checks again with the same bounds: the takeover slack travels with the report.
  await api.vodArchive(job.vodId, {
    status: 'stored', key: job.sourceKey, bytes: size, durationSeconds, mediaSeconds: expected ?? durationSeconds,
    ...(takeovers.length > 0 ? { takeoverSlack: { shortSeconds: shortBy, longSeconds: longBy } } : {}),
  });
  await storage.deletePrefix(prefix);
}

/** Runs ffmpeg to completion; with a duration, reports progress (percent and ETA) to the API. */
async function ffmpeg(o: VodEncodeOptions, args: string[], duration?: number): Promise<void> {
  const started = Date.now();
  let last = 0;
  const onProgress = (p: FfmpegProgress): void => {
    if (!duration || p.outTimeSeconds === null || Date.now() - last < (o.progressIntervalMs ?? 2000)) return;
    last = Date.now();
    const done = Math.min(1, Math.max(0, p.outTimeSeconds / duration));
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0.01 ? (elapsed / done) * (1 - done) : null;
    o.api.vodProgress(o.job.vodId, { percent: Math.round(done * 1000) / 10, etaSeconds: eta === null ? null : Math.round(eta) }).catch((err: unknown) => {
      o.logger.warn({ err }, 'could not report VOD progress');
    });
  };
  await runFfmpeg(args, { ffmpegPath: o.ffmpegPath, signal: o.signal, onProgress, what: 'VOD encode' });
}
