import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const WILDCARD = new Set(['', '0.0.0.0', '::']);

/**
 * The host other machines reach this ingest at, for the pull URL it hands to the API (and the API to a
 * worker). With several ingest replicas behind one service name (compose, Kubernetes) the name would
 * send a worker to whichever replica DNS picks, not the one holding the publisher; the node's own
 * address (a container's or pod's IP) names exactly this one. A specific RTMP_BIND is used as is;
 * with a wildcard bind the first non-internal IPv4 address, else loopback (a machine with no network).
 */
export function advertisedHost(bind: string | undefined, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string {
  if (bind && !WILDCARD.has(bind)) return bind.includes(':') ? `[${bind}]` : bind;
  for (const name of Object.keys(interfaces).sort()) {
    const v4 = interfaces[name]?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}
