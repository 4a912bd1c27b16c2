import { parseMediaPlaylist } from '@onda/media';

/** Variants of a master playlist: STREAM-INF attributes and URL resolved against the master's. */
export function variants(masterUrl: string, master: string): Array<{ attrs: string; url: string }> {
  const lines = master.split('\n').map((l) => l.trim());
  return lines.flatMap((line, i) =>
    line.startsWith('#EXT-X-STREAM-INF:') && lines[i + 1] ? [{ attrs: line, url: new URL(lines[i + 1]!, masterUrl).toString() }] : [],
  );
}

async function fetchText(url: string): Promise<string | null> {
  const res = await fetch(url, { cache: 'no-store' });
  return res.ok ? res.text() : null;
}

/** Whether a viewer could start now: the master and every variant playlist load and each variant lists a segment. */
export async function playable(masterUrl: string, expectedVariants: number): Promise<boolean> {
  const master = await fetchText(masterUrl);
  if (master === null) return false;
  const urls = variants(masterUrl, master).map((v) => v.url);
  if (urls.length < expectedVariants) return false;
  const texts = await Promise.all(urls.map(fetchText));
  return texts.every((v) => v !== null && v.includes('#EXTINF:'));
}

/** URL of the variant with the given RESOLUTION (e.g. 1280x720). */
export async function variantUrl(masterUrl: string, resolution: string): Promise<string> {
  const master = await fetchText(masterUrl);
  const found = variants(masterUrl, master ?? '').find((v) => v.attrs.includes(`RESOLUTION=${resolution}`));
  if (!found) throw new Error(`no ${resolution} variant in ${masterUrl}:\n${master}`);
  return found.url;
}

/** Media seconds published so far in a live EVENT playlist (end of its newest segment); null across a discontinuity. */
export async function publishedSeconds(variantUrl: string): Promise<number | null> {
  const text = await fetchText(variantUrl);
  if (text === null) return null;
  const playlist = parseMediaPlaylist(text);
  if (playlist.mediaSequence !== 0 || playlist.segments.some((s) => s.discontinuity)) return null;
  return playlist.segments.reduce((sum, s) => sum + s.duration, 0);
}
