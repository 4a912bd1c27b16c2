import type { Beacon } from '@onda/contracts';
import type { BeaconSend, BeaconTarget } from './beacon';

/** Where beacons go (public, no auth). */
export const BeaconUrl = '/v1/beacons';
/** Where a playback gets the ticket its beacons carry (the console cookie goes along for private channels). */
export const TicketUrl = '/v1/beacons/tickets';
/** A ticket is renewed this long before it expires (the API issues them for 10 minutes). */
const RenewBeforeMs = 4 * 60_000;
/** localStorage key of the anonymous per-browser viewer id. */
export const ViewerIdStorageKey = 'onda.viewerId';

export interface BeaconTransportDeps {
  fetch?: typeof fetch;
  /** navigator.sendBeacon, or undefined where the browser has none. */
  sendBeacon?: (url: string, data: string) => boolean;
}

/**
 * The beacon transport: `fetch` with `keepalive` (the request survives a navigation) for the regular
 * beacons, and `navigator.sendBeacon` at unload, which the browser delivers even as the page goes away.
 * sendBeacon sends a string as text/plain, which the API accepts (and which needs no CORS preflight).
 */
export function createBeaconTransport(url = BeaconUrl, deps: BeaconTransportDeps = browserDeps()): BeaconSend {
  return async (beacons: Beacon[], { unload }) => {
    const body = JSON.stringify({ beacons });
    if (unload && deps.sendBeacon) {
      try {
        if (deps.sendBeacon(url, body)) return true;
      } catch {
        // Fall through to fetch: some browsers throw for bodies over their quota.
      }
    }
    if (!deps.fetch) return false;
    try {
      const response = await deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        keepalive: true,
        credentials: 'same-origin',
      });
      return response.ok;
    } catch {
      return false;
    }
  };
}

/** The current ticket of one playback, or null while the API refuses one (the beacons then wait and retry). */
export type TicketSource = () => Promise<string | null>;

/**
 * Playback tickets (the API counts only beacons that carry one): fetched when the playback starts, kept, and
 * renewed with the previous one before it expires. A still valid ticket is answered at once, so an unload beacon
 * never waits for the network; renewal then runs in the background.
 */
export function createTicketSource(binding: BeaconTarget & { viewerId: string; playbackId: string }, deps: BeaconTransportDeps = browserDeps(), url = TicketUrl, now: () => number = Date.now): TicketSource {
  let current: { ticket: string; expiresAt: number } | null = null;
  let pending: Promise<string | null> | null = null;
  const fetchTicket = (): Promise<string | null> => {
    pending ??= (async () => {
      try {
        const response = await deps.fetch!(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...binding, ...(current && current.expiresAt > now() ? { previous: current.ticket } : {}) }),
          credentials: 'same-origin',
        });
        if (!response.ok) return current && current.expiresAt > now() ? current.ticket : null;
        const body = (await response.json()) as { ticket: string; expiresAt: string };
        current = { ticket: body.ticket, expiresAt: Date.parse(body.expiresAt) };
        return current.ticket;
      } catch {
        return current && current.expiresAt > now() ? current.ticket : null;
      } finally {
        pending = null;
      }
    })();
    return pending;
  };
  return async () => {
    if (!deps.fetch) return null;
    if (current && current.expiresAt > now()) {
      if (current.expiresAt - now() < RenewBeforeMs) void fetchTicket();
      return current.ticket;
    }
    return fetchTicket();
  };
}

/** `send` with the playback's ticket on every beacon; without one the batch counts as not sent (kept for the next try). */
export function withTicket(send: BeaconSend, ticket: TicketSource): BeaconSend {
  return async (beacons, options) => {
    const value = await ticket();
    return value ? send(beacons.map((b) => ({ ...b, ticket: value })), options) : false;
  };
}

function browserDeps(): BeaconTransportDeps {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return {
    fetch: typeof fetch === 'undefined' ? undefined : (input, init) => globalThis.fetch(input, init),
    sendBeacon: typeof nav?.sendBeacon === 'function' ? (url, data) => nav.sendBeacon(url, data) : undefined,
  };
}

/** A random hex id (128 bits). getRandomValues works on plain http too, unlike crypto.randomUUID. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

let memoryViewerId: string | null = null;

/** The browser's anonymous viewer id, created on first use and kept in localStorage (per page where storage is blocked). */
export function viewerId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()): string {
  try {
    const stored = storage?.getItem(ViewerIdStorageKey);
    if (stored && /^[0-9a-f]{8,64}$/.test(stored)) return stored;
    const created = randomId();
    storage?.setItem(ViewerIdStorageKey, created);
    if (storage) return created;
  } catch {
    // Storage refused (private mode, quota): fall back to an id for this page.
  }
  memoryViewerId ??= randomId();
  return memoryViewerId;
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
