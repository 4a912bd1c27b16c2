import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseMediaPlaylist } from '@onda/media';

const exec = promisify(execFile);

/** The body of a URL; throws on an HTTP error. */
export async function text(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** The body of a URL, never cached; null on an HTTP error. */
async function textOrNull(url: string): Promise<string | null> {
  const res = await fetch(url, { cache: 'no-store' } as RequestInit);
  return res.ok ? res.text() : null;
}

export interface Variant {
  /** The attributes of its #EXT-X-STREAM-INF tag (without the tag name). */
  attrs: string;
  /** Its media playlist, resolved against the master playlist's URL. */
  uri: string;
}

/** Variants of a master playlist, in order. */
export function variants(masterUrl: string, master: string): Variant[] {
  const lines = master.split('\n').map((l) => l.trim());
  return lines.flatMap((line, i) =>
    line.startsWith('#EXT-X-STREAM-INF:') && lines[i + 1]
      ? [{ attrs: line.slice('#EXT-X-STREAM-INF:'.length), uri: new URL(lines[i + 1]!, masterUrl).toString() }]
      : [],
  );
}

/** Whether a viewer could start now: the master and every variant playlist load and each variant lists a segment. */
export async function playable(masterUrl: string, expectedVariants: number): Promise<boolean> {
  const master = await textOrNull(masterUrl);
  if (master === null) return false;
  const urls = variants(masterUrl, master).map((v) => v.uri);
  if (urls.length < expectedVariants) return false;
  const texts = await Promise.all(urls.map(textOrNull));
  return texts.every((v) => v !== null && v.includes('#EXTINF:'));
}

/** URL of the variant with the given RESOLUTION (e.g. 1280x720). */
export async function variantUrl(masterUrl: string, resolution: string): Promise<string> {
  const master = await textOrNull(masterUrl);
  const found = variants(masterUrl, master ?? '').find((v) => v.attrs.includes(`RESOLUTION=${resolution}`));
  if (!found) throw new Error(`no ${resolution} variant in ${masterUrl}:\n${master}`);
  return found.uri;
}

/** Media seconds published so far in a live EVENT playlist (end of its newest segment); null across a discontinuity. */
export async function publishedSeconds(variantUrl: string): Promise<number | null> {
  const body = await textOrNull(variantUrl);
  return body === null ? null : publishedSecondsOf(body);
}

/**
 * Media seconds a live EVENT playlist publishes: its segments, and in a low-latency playlist the parts listed
 * after the newest segment (the one being made, already playable); null across a discontinuity or a window.
 */
export function publishedSecondsOf(body: string): number | null {
  const playlist = parseMediaPlaylist(body);
  if (playlist.mediaSequence !== 0 || playlist.segments.some((s) => s.discontinuity)) return null;
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  let lastSegment = -1;
  lines.forEach((l, i) => {
    if (l !== '' && !l.startsWith('#')) lastSegment = i;
  });
  const openParts = lines.slice(lastSegment + 1).filter((l) => l.startsWith('#EXT-X-PART:'))
    .reduce((sum, l) => sum + Number(/DURATION=([\d.]+)/.exec(l)?.[1] ?? 0), 0);
  return playlist.segments.reduce((sum, s) => sum + s.duration, 0) + openParts;
}

/** Presentation times of the video keyframes of an HLS rendition, as ffprobe reads them. */
export async function keyframeTimes(playlistUrl: string): Promise<number[]> {
  const { stdout } = await exec(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', playlistUrl],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter(Boolean)
    .map(Number);
}
