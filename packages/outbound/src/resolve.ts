import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { specialPurpose } from './addresses.js';

/** Name resolution: the system resolver, or a fake in tests. */
export type Resolve = (host: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** What the address check found: an address to connect to, a refusal (and why), or a name that does not resolve. */
export type CheckedAddress = { ok: true; address: LookupAddress } | { ok: false; refused: string } | { ok: false; unresolved: true };

/**
 * The one address check of every outbound connection: resolves `host` once and returns the address to connect
 * to; refused when any address it resolves to is special-purpose (loopback, private, link-local, ...) and the
 * operator did not opt in with `allowPrivate`: a name that also resolves to 127.0.0.1 is refused, not tried at
 * random. Connect to the returned address, never to the name again (a rebinding DNS server could answer
 * differently the second time).
 */
export async function checkAddress(host: string, opts: { allowPrivate?: boolean; resolve?: Resolve } = {}): Promise<CheckedAddress> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    const literal = isIP(bare);
    addresses = literal ? [{ address: bare, family: literal }] : await (opts.resolve ?? systemResolve)(bare);
  } catch {
    return { ok: false, unresolved: true };
  }
  if (!addresses.length) return { ok: false, unresolved: true };
  if (opts.allowPrivate !== true) {
    for (const a of addresses) {
      const range = specialPurpose(a.address);
      if (range) return { ok: false, refused: `resolves to a ${range} address` };
    }
  }
  return { ok: true, address: addresses[0]! };
}
