/**
 * Direct delivery of private media: the API serves a private channel's (small) playlists itself and
 * rewrites every media object they name (segments, init sections, parts, keys) to a URL signed for that
 * one object, so segments go from storage or a CDN to the viewer and never through Node. Playlists named
 * by a playlist (variants, renditions) stay relative: they come back through the same signed API path.
 */

/** Signs one object key; null when it cannot (then the URI is left relative, served by the API). */
export type ObjectSigner = (key: string) => Promise<string | null>;

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;
const URI_ATTR = /URI="([^"]*)"/g;

/** `dir` + a relative URI as a storage key, or null when it leaves `dir`'s prefix or is absolute. */
export function resolveKey(dir: string, uri: string): string | null {
  if (ABSOLUTE.test(uri) || uri.startsWith('/')) return null;
  const path = uri.split(/[?#]/)[0]!;
  const parts = dir.split('/').filter(Boolean);
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length <= 2) return null; // never above `live/<id>` or `vod/<id>`
      parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

const isPlaylist = (uri: string): boolean => /\.m3u8?(\?|#|$)/i.test(uri);

/** Rewrites the media object URIs of a playlist stored under `dir` (e.g. `live/<id>/720p`) to signed URLs. */
export async function signPlaylist(text: string, dir: string, sign: ObjectSigner): Promise<string> {
  const signed = async (uri: string): Promise<string> => {
    if (isPlaylist(uri)) return uri;
    const key = resolveKey(dir, uri);
    return (key && (await sign(key))) ?? uri;
  };
  const lines = text.split('\n');
  const out = await Promise.all(
    lines.map(async (line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (!trimmed.startsWith('#')) return signed(trimmed);
      if (!trimmed.includes('URI="')) return line;
      const uris = [...trimmed.matchAll(URI_ATTR)].map((m) => m[1]!);
      const replaced = await Promise.all(uris.map(signed));
      let i = 0;
      return trimmed.replace(URI_ATTR, () => `URI="${replaced[i++]}"`);
    }),
  );
  return out.join('\n');
}
