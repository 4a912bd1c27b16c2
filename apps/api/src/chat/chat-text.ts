import { createHmac } from 'node:crypto';

// C0/C1 controls (PostgreSQL refuses NUL; the rest only garble a line), line/paragraph separators and
// the explicit bidi overrides/isolates that let one message reverse how the next ones read.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r]+/g;

/**
 * The text the server stores and sends: well-formed UTF-16, NFC, single line, trimmed, controls removed. Everything else,
 * markup included, stays verbatim: clients render it as a text node, never as HTML.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const cleanText = (raw: string): string => raw.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').trim();

/** Length as a person counts it (code points, so an emoji or a Hangul syllable is one). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

// Compared after lowercasing and dropping spaces, dots, dashes and underscores.
const RESERVED = ['admin', 'administrator', 'moderator', 'mod', 'onda', 'system', 'staff', 'owner', 'official', 'support', '운영자', '관리자', '온다', '매니저', '운영진', '공식', '시스템'];
const RESERVED_PREFIXES = ['admin', 'onda', '운영자', '관리자', 'moderator'];

/** Nicknames that would pass for the service or its staff. */
export function isReservedNickname(nickname: string): boolean {
  const folded = nickname.normalize('NFKC').toLowerCase().replace(/[\s._-]+/g, '');
  return RESERVED.includes(folded) || RESERVED_PREFIXES.some((p) => folded.startsWith(p));
}

/**
 * The author key of an anonymous viewer: the client's device id and its IP, hashed with the server
 * secret and the channel, so it is stable per device and network, unlinkable across channels, and
 * reveals neither. Without a device id the IP alone identifies the viewer.
 */
export function anonymousKey(secret: string, channelId: string, deviceId: string | undefined, ip: string): string {
  const digest = createHmac('sha256', secret).update(`chat-author\u0000${channelId}\u0000${deviceId ?? ''}\u0000${ip}`).digest('base64url');
  return `a:${digest.slice(0, 22)}`;
}

/** The client IP of a socket.io handshake, without the IPv4-mapped IPv6 prefix. */
export const normaliseIp = (address: string): string => (address.startsWith('::ffff:') ? address.slice(7) : address) || 'unknown';
