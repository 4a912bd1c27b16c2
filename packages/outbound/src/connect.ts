import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sameAddress } from './request.js';
import { checkAddress, type Resolve } from './resolve.js';
import { outboundUrlProblem } from './url.js';

/** Default ports of the stream protocols outboundConnect speaks. */
const DEFAULT_PORTS: Record<string, number> = { 'rtmp:': 1935, 'rtmps:': 443 };

export interface OutboundConnectOptions {
  /** Operator opt-in (OUTBOUND_ALLOW_PRIVATE): also reach loopback, private and other special-purpose addresses. */
  allowPrivate?: boolean;
  /** Until the TCP (and TLS) connection stands (default 10 s). */
  connectTimeoutMs?: number;
  /** Name resolution (tests); defaults to the system resolver. */
  resolve?: Resolve;
  /** Certificate checks of rtmps:// (default on; tests with a self-signed server turn them off). */
  rejectUnauthorized?: boolean;
}

export type OutboundConnectResult = { ok: true; socket: Socket; address: string } | { ok: false; reason: string };

/**
 * Opens a TCP (rtmp://) or TLS (rtmps://, with the URL's host as SNI and for the certificate) connection to a
 * stream URL a user gave, through the same guard as `outboundRequest`: the URL is checked, the host resolved
 * once, every address it resolves to must be globally reachable unless `allowPrivate`, and the socket goes to the
 * very address that was checked. Never throws; the reason is a sentence fit for the user who gave the URL.
 */
export async function outboundConnect(url: string, opts: OutboundConnectOptions = {}): Promise<OutboundConnectResult> {
  const problem = outboundUrlProblem(url, opts.allowPrivate === true, { protocols: Object.keys(DEFAULT_PORTS) });
  if (problem) return { ok: false, reason: `refused: the URL ${problem}` };
  const target = new URL(url);
  // Read the host as http would (rtmp: is a non-special scheme whose host WHATWG leaves as written).
  const host = new URL(`http://${target.host}`).hostname;
  const check = await checkAddress(host, { allowPrivate: opts.allowPrivate === true, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
  if (!check.ok) return { ok: false, reason: 'refused' in check ? `refused: the host ${check.refused}` : 'the host name does not resolve' };
  const address = check.address.address;
  const port = target.port ? Number(target.port) : DEFAULT_PORTS[target.protocol]!;
  const tls = target.protocol === 'rtmps:';
  const servername = host.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = tls
      ? tlsConnect({ host: address, port, servername: /^[\d.]+$|:/.test(servername) ? '' : servername, rejectUnauthorized: opts.rejectUnauthorized ?? true })
      : netConnect({ host: address, port });
    const timer = setTimeout(() => fail('no connection in time'), opts.connectTimeoutMs ?? 10_000);
    function fail(reason: string): void {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, reason });
    }
    socket.once('error', (err: NodeJS.ErrnoException) => fail(`could not connect (${err.code ?? err.message})`));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Belt and braces: the socket must stand at the address that was checked.
      if (socket.remoteAddress && !sameAddress(socket.remoteAddress, address)) return fail('could not connect (address changed)');
      resolve({ ok: true, socket, address });
    });
  });
}
