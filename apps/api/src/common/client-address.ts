import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';

/** Whether the hop at `address`, `hop` steps from us, is a proxy whose X-Forwarded-For entry we believe. */
export type TrustProxy = (address: string, hop: number) => boolean;

interface ProxyAddr {
  (req: { socket: { remoteAddress?: string }; connection: { remoteAddress?: string }; headers: IncomingHttpHeaders }, trust: TrustProxy): string;
  compile(values: string[]): TrustProxy;
}
// proxy-addr is what Express itself uses for req.ip: the same parser for REST and chat sockets (no types shipped).
const proxyaddr = createRequire(import.meta.url)('proxy-addr') as ProxyAddr;

/**
 * TRUST_PROXY as Express's `trust proxy` reads it: unset = nobody, `true` = every hop, a number = that many hops,
 * otherwise addresses, subnets or names (`loopback`, `uniquelocal`), comma-separated. Compiled once, used by Express
 * (req.ip) and by the chat sockets, so both see the same client address.
 */
export function compileTrustProxy(setting: string | undefined): TrustProxy {
  if (!setting) return () => false;
  if (setting === 'true') return () => true;
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(setting.split(',').map((s) => s.trim()).filter(Boolean));
}

/** The client's address from the peer's and the X-Forwarded-For header, believing only trusted proxies. */
export function clientAddress(peer: string, headers: IncomingHttpHeaders, trust: TrustProxy): string {
  const address = proxyaddr({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers }, trust);
  return (address.startsWith('::ffff:') ? address.slice(7) : address) || 'unknown';
}
