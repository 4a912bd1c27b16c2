import { isSpecialPurpose } from './addresses.js';

/**
 * Why a user-supplied outbound URL is refused when it is saved (a clear 4xx then beats a silent failure later),
 * or null. Only what the URL itself shows is checked here; `outboundRequest` checks the resolved address at
 * every call (`outboundConnect` for RTMP pushes), because a name can be re-pointed after it was saved.
 * `protocols` defaults to http: and https:.
 */
export function outboundUrlProblem(url: string, allowPrivate: boolean, opts: { protocols?: readonly string[] } = {}): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  const protocols = opts.protocols ?? ['http:', 'https:'];
  if (!protocols.includes(parsed.protocol)) return `must use ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')}`;
  if (!parsed.hostname) return 'must name a host';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (allowPrivate) return null;
  // rtmp: and other non-special schemes keep the host as written: read it as http would (0x7f.1 -> 127.0.0.1).
  const host = (protocols.includes('http:') ? parsed.hostname : new URL(`http://${parsed.host}`).hostname).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost';
  const literal = host.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(literal) || literal.includes(':')) {
    // WHATWG URL parsing already turned 0x7f.1, 2130706433 and friends into dotted decimal.
    if (isSpecialPurpose(literal)) return 'must not point at a loopback, private, link-local or other special-purpose address';
  }
  return null;
}
