import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressBytes } from './addresses.js';
import { checkAddress, type Resolve } from './resolve.js';

/** How one outbound call may go. */
export interface OutboundOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Operator opt-in (e.g. WEBHOOKS_ALLOW_PRIVATE): also reach loopback, private and other special-purpose addresses. */
  allowPrivate?: boolean;
  /** Until the TCP (and TLS) connection stands. */
  connectTimeoutMs?: number;
  /** The whole exchange, response body included. */
  timeoutMs?: number;
  /** A longer response is cut off and reported as `too_large`. */
  maxResponseBytes?: number;
  /** Name resolution (tests); defaults to the system resolver. */
  resolve?: Resolve;
}

/**
 * What happened, in categories that say nothing about the network behind the address: the address was refused
 * or unreachable (one category, so a caller cannot tell "resolves to a private address" from "does not resolve"),
 * the time ran out, the answer was too large, or an HTTP answer came (redirects are answers, never followed).
 */
export type OutboundResult =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { ok: false; reason: 'invalid_url' | 'unreachable' | 'timeout' | 'too_large' };

/** A fixed, detail-free sentence per failure, for logs users can read (webhook deliveries). */
export const OUTBOUND_FAILURES: Record<Exclude<OutboundResult, { ok: true }>['reason'], string> = {
  invalid_url: 'not sent: the URL is not a usable http(s) URL',
  unreachable: 'not delivered: the address is not allowed or could not be reached',
  timeout: 'not delivered: no complete answer in time',
  too_large: 'not delivered: the answer was too large',
};

/** Same address, whatever the notation (an IPv4 peer may show as ::ffff:a.b.c.d on a dual-stack socket). */
export function sameAddress(a: string, b: string): boolean {
  const strip = (x: Uint8Array | null): string => (x && x.length === 16 && x.slice(0, 12).every((v, i) => v === (i >= 10 ? 0xff : 0)) ? x.slice(12) : (x ?? [])).join('.');
  return strip(addressBytes(a)) === strip(addressBytes(b));
}

/**
 * Makes one HTTP(S) request to a URL a user gave, safely: the host is resolved once, every address it resolves
 * to must be a globally reachable unicast address (unless `allowPrivate`), and the socket connects to the very
 * address that was checked (a custom `lookup`, so there is no second resolution a rebinding DNS server could
 * answer differently). No redirects, bounded connect time, total time and response size. Never throws.
 */
export async function outboundRequest(url: string, options: OutboundOptions = {}): Promise<OutboundResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid_url' };
  }
  if ((target.protocol !== 'http:' && target.protocol !== 'https:') || target.username || target.password) return { ok: false, reason: 'invalid_url' };
  const check = await checkAddress(target.hostname, { allowPrivate: options.allowPrivate === true, ...(options.resolve ? { resolve: options.resolve } : {}) });
  if (!check.ok) return { ok: false, reason: 'unreachable' };
  const checked = check.address;
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  return send(target, checked, pinned, options);
}

function send(target: URL, checked: LookupAddress, pinned: LookupFunction, options: OutboundOptions): Promise<OutboundResult> {
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    const finish = (result: OutboundResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      req.destroy();
      resolve(result);
    };
    const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requestFn(target, {
      method: options.method ?? 'POST',
      headers: { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) },
      // An IP literal host skips `lookup` in node:net; connect to the checked address explicitly either way.
      ...(isIP(target.hostname.replace(/^\[|\]$/g, '')) ? {} : { lookup: pinned }),
      agent: false,
    });
    const total = setTimeout(() => finish({ ok: false, reason: 'timeout' }), options.timeoutMs ?? 10_000);
    const connect = setTimeout(() => finish({ ok: false, reason: 'timeout' }), options.connectTimeoutMs ?? 5_000);
    req.on('socket', (socket) => {
      socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connect));
      // A socket reused or already connected (never with agent:false, kept for safety) has no connect event.
      if (!socket.connecting) clearTimeout(connect);
      socket.once('connect', () => {
        // Belt and braces: the socket must stand at the address that was checked.
        if (socket.remoteAddress && !sameAddress(socket.remoteAddress, checked.address)) finish({ ok: false, reason: 'unreachable' });
      });
    });
    req.on('error', () => finish({ ok: false, reason: 'unreachable' }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish({ ok: false, reason: 'too_large' });
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', () => finish({ ok: false, reason: 'unreachable' }));
    });
    req.end(options.body);
  });
}
