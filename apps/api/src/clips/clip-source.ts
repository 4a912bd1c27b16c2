import type { ClipJob } from '@onda/contracts';
import { coverRange, parseMediaPlaylist, type MediaPlaylist } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import { AppError } from '../common/app-error.js';

/** The rendition a clip is cut from, and its playlist as stored now. */
export interface ClipRendition {
  /** Storage folder of the rendition's segments and playlist. */
  prefix: string;
  playlist: MediaPlaylist;
}

async function text(storage: ObjectStorage, key: string): Promise<string | null> {
  const obj = await storage.get(key);
  if (!obj) return null;
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** The variant URI of a master playlist with the most pixels (then the most bits): clips keep the best picture. */
export function bestVariant(master: string): string | null {
  const lines = master.split(/\r?\n/).map((l) => l.trim());
  let best: { uri: string; pixels: number; bandwidth: number } | null = null;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const uri = lines.slice(i + 1).find((l) => l.length > 0 && !l.startsWith('#'));
    if (!uri) continue;
    const res = /RESOLUTION=(\d+)x(\d+)/.exec(line);
    const pixels = res ? Number(res[1]) * Number(res[2]) : 0;
    const bandwidth = Number(/[:,]BANDWIDTH=(\d+)/.exec(line)?.[1] ?? 0);
    if (!best || pixels > best.pixels || (pixels === best.pixels && bandwidth > best.bandwidth)) best = { uri, pixels, bandwidth };
  }
  return best?.uri ?? null;
}

/** The best rendition under a master playlist at `<base>/<master>`, read from storage; null when nothing is stored yet. */
export async function clipRendition(storage: ObjectStorage, base: string, master: string): Promise<ClipRendition | null> {
  const masterText = await text(storage, `${base}/${master}`);
  const variant = masterText ? bestVariant(masterText) : null;
  // Only plain relative URIs (`720p/index.m3u8`): never a path out of the prefix.
  if (!variant || !/^[A-Za-z0-9_-]+\/[A-Za-z0-9_.-]+\.m3u8$/.test(variant)) return null;
  const folder = variant.slice(0, variant.indexOf('/'));
  const body = await text(storage, `${base}/${variant}`);
  if (!body) return null;
  try {
    return { prefix: `${base}/${folder}`, playlist: parseMediaPlaylist(body) };
  } catch {
    return null;
  }
}

/**
 * The job that cuts [start, end) seconds of the rendition (counted from its playlist's first segment), or a 422
 * saying why it cannot: outside what is stored, or across a break in the broadcast.
 */
export function clipJob(clipId: string, rendition: ClipRendition, start: number, end: number): ClipJob {
  const cover = coverRange(rendition.playlist, start, end);
  if (cover === 'outside') throw new AppError('unprocessable', 'The range is outside what can be clipped');
  if (cover === 'discontinuity') throw new AppError('unprocessable', 'The range crosses a break in the broadcast (the encoder reconnected); clip either side of it');
  const init = cover.segments[0]!.map;
  // Names only (the job refuses paths): a playlist naming objects elsewhere is not ours to follow.
  if ([init ?? 'x', ...cover.segments.map((s) => s.uri)].some((u) => !/^[A-Za-z0-9_.-]+$/.test(u))) throw new AppError('conflict', 'The stored playlist cannot be clipped');
  return {
    clipId,
    storagePrefix: `clip/${clipId}`,
    sourcePrefix: rendition.prefix,
    ...(init ? { init } : {}),
    segments: cover.segments.map((s) => ({ uri: s.uri, duration: s.duration })),
    offsetSeconds: cover.offsetSeconds,
    durationSeconds: end - start,
  };
}

/** Seconds of media in a playlist. */
export const playlistSeconds = (p: MediaPlaylist): number => p.segments.reduce((sum, s) => sum + s.duration, 0);
