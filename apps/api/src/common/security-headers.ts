import type { NextFunction, Request, Response } from 'express';

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

/**
 * Security headers on every response (finding 13). The CSP allows no inline script (the built web app has none):
 * scripts, styles and fonts from this origin; media, posters and playlists also from the media origin (a CDN or
 * bucket when MEDIA_PUBLIC_URL is set) and blob: (hls.js feeds MediaSource from blobs); the chat socket on this
 * origin. No one may frame the app; HSTS once the public URL is https.
 */
export function securityHeaders(publicUrl: string, mediaBaseUrl: string) {
  const self = originOf(publicUrl);
  const media = originOf(mediaBaseUrl);
  // Both origins by name, not only 'self': the page may be opened on another name for the same server than
  // PUBLIC_URL (127.0.0.1 vs localhost), and the playlists it is given live on PUBLIC_URL or the media origin.
  const extraMedia = [...new Set([self, media].filter(Boolean))].map((o) => ` ${o}`).join('');
  const ws = self.replace(/^http/, 'ws');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extraMedia}`,
    `media-src 'self' blob:${extraMedia}`,
    `connect-src 'self' ${ws}${extraMedia}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const hsts = self.startsWith('https:');
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}

/**
 * Whether a browser request comes from this site: no Origin (same-origin navigation, curl), the public URL's
 * origin, or the origin of the Host it was sent to (a dev server proxying to the API). A console cookie is only
 * honoured for writes and socket handshakes from such an origin, not only through SameSite=Lax.
 */
export function sameSite(headers: Record<string, string | string[] | undefined>, publicUrl: string): boolean {
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (headers['sec-fetch-site'] === 'cross-site') return false;
  if (!origin) return true;
  if (origin === originOf(publicUrl)) return true;
  const host = typeof headers.host === 'string' ? headers.host : '';
  return host !== '' && (origin === `http://${host}` || origin === `https://${host}`);
}
