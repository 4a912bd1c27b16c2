/**
 * The HTML side of sharing (issue 15): which viewer page a path names, the Open Graph / Twitter / oEmbed tags
 * put into the web app's index.html for it, and the frame-ancestors directive of embed pages.
 */

/** A page of the web app that can be shared or embedded; `embed` is the player-only variant under /embed. */
export type SharedPage = { kind: 'channel'; slug: string; embed: boolean } | { kind: 'vod' | 'clip'; id: string; embed: boolean };

const PAGE = /^\/(embed\/)?(c|v|clip)\/([A-Za-z0-9-]{1,64})\/?$/;

/** The shared page a path (no query) names, or null for every other path (home, console, ...). */
export function sharedPage(pathname: string): SharedPage | null {
  const match = PAGE.exec(pathname);
  if (!match) return null;
  const embed = match[1] !== undefined;
  return match[2] === 'c' ? { kind: 'channel', slug: match[3]!, embed } : { kind: match[2] === 'v' ? 'vod' : 'clip', id: match[3]!, embed };
}

/** What a shared page says about itself to link previews and oEmbed consumers. */
export interface PageMeta {
  title: string;
  description: string;
  /** The canonical page URL (absolute). */
  url: string;
  /** A picture of the video (absolute), when there is one. */
  image: string | null;
  /** The player-only page to put in an iframe (absolute). */
  embedUrl: string;
  /** The oEmbed endpoint URL for this page (absolute). */
  oembedUrl: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The tags for one page, one per line; every value HTML-escaped (titles are user input). */
export function metaTags(meta: PageMeta): string {
  const tags: Array<[string, string, string]> = [
    ['property', 'og:site_name', 'Onda'],
    ['property', 'og:type', 'video.other'],
    ['property', 'og:title', meta.title],
    ['property', 'og:description', meta.description],
    ['property', 'og:url', meta.url],
    ['name', 'twitter:card', meta.image ? 'summary_large_image' : 'summary'],
    ['name', 'twitter:title', meta.title],
    ['name', 'twitter:description', meta.description],
    ['name', 'description', meta.description],
  ];
  if (meta.image) tags.push(['property', 'og:image', meta.image], ['name', 'twitter:image', meta.image]);
  const lines = tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}" />`);
  lines.push(`<link rel="canonical" href="${escapeHtml(meta.url)}" />`);
  lines.push(`<link rel="alternate" type="application/json+oembed" href="${escapeHtml(meta.oembedUrl)}" title="${escapeHtml(meta.title)}" />`);
  return lines.join('\n    ');
}

/** index.html with the page's title and tags in its head (the app itself renders the same page client-side). */
export function withMeta(html: string, meta: PageMeta): string {
  return html
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(meta.title)} · Onda</title>`)
    .replace('</head>', `    ${metaTags(meta)}\n  </head>`);
}

/** The CSP with its frame-ancestors replaced: this site and the given origins, or 'none' when there are none. */
export function withFrameAncestors(csp: string, origins: readonly string[] | null): string {
  const value = origins === null ? "'none'" : ["'self'", ...origins].join(' ');
  return csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${value}`);
}
