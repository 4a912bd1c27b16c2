import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

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

// Letters of other scripts (and digits or symbols) that read as Latin ones (finding 15: `аdmin` in Cyrillic).
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ɡ: 'g',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'i', ı: 'i',
};

/** A nickname as it reads: compatibility forms, case, accents, look-alike letters and separators folded away. */
export function nicknameSkeleton(nickname: string): string {
  const base = nickname.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
  return [...base].map((c) => CONFUSABLE[c] ?? c).join('').replace(/[\s._-]+/g, '');
}

/** Nicknames that would pass for the service or its staff. */
export function isReservedNickname(nickname: string): boolean {
  const folded = nicknameSkeleton(nickname);
  return RESERVED.includes(folded) || RESERVED_PREFIXES.some((p) => folded.startsWith(p));
}

/**
 * The author key of an anonymous viewer: the client's device id and its IP, hashed with the server
 * secret and the channel, so it is stable per device and network, unlinkable across channels, and
 * reveals neither. Without a device id the IP alone identifies the viewer.
 */
export function anonymousKey(secret: string, channelId: string, deviceKey: string): string {
  const digest = createHmac('sha256', secret).update(`chat-author/v2\u0000${channelId}\u0000${deviceKey}`).digest('base64url');
  return `a:${digest.slice(0, 22)}`;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as the last two), or null. */
function ipv6Groups(ip: string): string[] | null {
  let text = ip.split('%')[0]!.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.length === 8 ? groups.map((g) => parseInt(g || '0', 16).toString(16)) : null;
}

/**
 * What an address or subnet ban of a chatter holds on (moderator option): salted hashes of its address and of its
 * /24 (IPv4) or /64 (IPv6) subnet, per channel. The address itself is never stored with the ban nor shown.
 */
export function networkKeys(secret: string, channelId: string, ip: string): { address: string; subnet: string } {
  const groups = isIPv6(ip) ? ipv6Groups(ip) : null;
  const address = groups ? groups.join(':') : ip;
  const subnet = isIPv4(ip) ? `${ip.split('.').slice(0, 3).join('.')}.0/24` : groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
  const key = (kind: string, value: string) => createHmac('sha256', secret).update(`chat-net/v1\u0000${channelId}\u0000${kind}\u0000${value}`).digest('base64url').slice(0, 22);
  return { address: `addr:${key('address', address)}`, subnet: `subnet:${key('subnet', subnet)}` };
}

