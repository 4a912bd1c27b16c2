import { isIP } from 'node:net';

/**
 * Special-purpose address registry (IANA IPv4/IPv6 Special-Purpose Address Registries plus multicast and
 * the reserved class E): no outbound call made on a user's behalf may reach these unless the operator opted
 * in, or a user could make the server call its own admin ports, cloud metadata (169.254.169.254), the
 * carrier-grade NAT or the private network (SSRF).
 */
const IPV4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.31.196.0', 24, 'AS112'],
  ['192.52.193.0', 24, 'AMT'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['192.175.48.0', 24, 'AS112'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['255.255.255.255', 32, 'broadcast'],
];

/** IPv6 ranges. */
const IPV6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['::ffff:0:0:0', 96, 'IPv4-translated (SIIT)'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'local NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (incl. Teredo)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

/** The address as bytes (4 or 16), or null when it is not an IP literal. Brackets are allowed. */
export function addressBytes(address: string): Uint8Array | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (family !== 6) return null;
  let text = ip.toLowerCase();
  const tail: number[] = [];
  // A dotted IPv4 tail (::ffff:1.2.3.4, ::1.2.3.4) stands for the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === null ? [] : rest ? rest.split(':') : [];
  const zeros = rest === null ? [] : new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...restGroups].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  if (tail.length) bytes.set(tail, 12);
  return bytes;
}

const compile = (list: Array<[string, number, string]>) => list.map(([net, bits, name]) => ({ net: addressBytes(net)!, bits, name }));
const V4 = compile(IPV4);
const V6 = compile(IPV6);

function inPrefix(bytes: Uint8Array, net: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i / 8]! & mask) !== (net[i / 8]! & mask)) return false;
  }
  return true;
}

/**
 * The name of the special-purpose range `address` lies in ("loopback", "private", "multicast", ...), or null for
 * a globally reachable unicast address. Anything that is not an IP literal counts as special ("not an IP address").
 */
export function specialPurpose(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 4) return V4.find((r) => inPrefix(bytes, r.net, r.bits))?.name ?? null;
  // The forms that embed an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4) are refused whole: what they
  // reach depends on translators between here and there, which this server cannot see.
  return V6.find((r) => inPrefix(bytes, r.net, r.bits))?.name ?? null;
}

/** True when an outbound call must not reach `address` (see `specialPurpose`). */
export const isSpecialPurpose = (address: string): boolean => specialPurpose(address) !== null;
