/**
 * Just enough of the engine.io v4 / socket.io v5 text wire protocol for thousands of cheap raw viewers:
 * one engine.io packet per WebSocket message (no polling, no binary attachments), namespaced socket.io
 * packets `<type><nsp>,[ackId][json]`. Real socket.io-client probes check that this stays faithful.
 */

/** engine.io packet types as the first character of a WebSocket text message. */
export const EngineType = { open: '0', close: '1', ping: '2', pong: '3', message: '4' } as const;
/** socket.io packet types, the character after the engine.io `4`. */
export const SocketType = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const;

/** `ws://host:port/socket.io/?EIO=4&transport=websocket`: straight to WebSocket, no long-polling handshake. */
export function socketUrl(httpUrl: string, path = '/socket.io/'): string {
  const url = new URL(path, httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = 'EIO=4&transport=websocket';
  return url.toString();
}

const nspPrefix = (nsp: string): string => (nsp === '/' ? '' : `${nsp},`);

/** socket.io CONNECT to a namespace, with the handshake `auth` object if any. */
export function connectPacket(nsp: string, auth?: Record<string, unknown>): string {
  return `${EngineType.message}${SocketType.connect}${nspPrefix(nsp)}${auth ? JSON.stringify(auth) : ''}`;
}

/** socket.io EVENT, asking for an acknowledgement when `ackId` is given. */
export function eventPacket(nsp: string, event: string, data: unknown, ackId?: number): string {
  return `${EngineType.message}${SocketType.event}${nspPrefix(nsp)}${ackId ?? ''}${JSON.stringify([event, data])}`;
}

export type Packet =
  | { kind: 'open'; pingInterval: number }
  | { kind: 'ping' }
  | { kind: 'close' }
  | { kind: 'connect'; nsp: string; data: unknown }
  | { kind: 'connect_error'; nsp: string; data: unknown }
  | { kind: 'disconnect'; nsp: string }
  | { kind: 'event'; nsp: string; name: string; args: unknown[]; ackId: number | null }
  | { kind: 'ack'; nsp: string; ackId: number; args: unknown[] }
  | { kind: 'other'; text: string };

/** Parses one WebSocket text message in full (handshake, acks and samples only: the hot path never calls it). */
export function parsePacket(text: string): Packet {
  switch (text[0]) {
    case EngineType.open:
      return { kind: 'open', pingInterval: (JSON.parse(text.slice(1)) as { pingInterval: number }).pingInterval };
    case EngineType.ping:
      return { kind: 'ping' };
    case EngineType.close:
      return { kind: 'close' };
    case EngineType.message:
      break;
    default:
      return { kind: 'other', text };
  }
  const type = text[1];
  let i = 2;
  let nsp = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(i, end);
    i = comma === -1 ? end : end + 1;
  }
  let digits = '';
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) digits += text[i++];
  const rest = text.slice(i);
  const json = (): unknown => (rest ? JSON.parse(rest) : undefined);
  switch (type) {
    case SocketType.connect:
      return { kind: 'connect', nsp, data: json() };
    case SocketType.connectError:
      return { kind: 'connect_error', nsp, data: json() };
    case SocketType.disconnect:
      return { kind: 'disconnect', nsp };
    case SocketType.event: {
      const [name, ...args] = json() as [string, ...unknown[]];
      return { kind: 'event', nsp, name, args, ackId: digits ? Number(digits) : null };
    }
    case SocketType.ack:
      return { kind: 'ack', nsp, ackId: Number(digits), args: json() as unknown[] };
    default:
      return { kind: 'other', text };
  }
}

/** Non-overlapping occurrences of `needle` in `haystack` (Buffer.indexOf is a native memmem: no decoding, no JSON). */
export function countOccurrences(haystack: Buffer, needle: Buffer, from = 0): number {
  let count = 0;
  for (let at = haystack.indexOf(needle, from); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The text the bench senders post: the send time travels inside the message, so any receiver can time it. */
export function benchMessageText(sender: number, seq: number, sentAt: number): string {
  return `bench sender ${sender} message ${seq} sent ${sentAt}`;
}

const SENT_AT = /sent (\d{13})\b/g;

/** Send times (epoch ms) of the bench messages in a frame or event, in order. */
export function sentTimes(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(SENT_AT)) out.push(Number(m[1]));
  return out;
}

/**
 * Exact latency distribution at 1 ms resolution: a count per millisecond up to `maxMs`, plus the largest value.
 * Mergeable across processes (send `toJSON()`), so clients never ship raw samples.
 */
export class LatencyHistogram {
  private counts: Map<number, number> = new Map();
  n = 0;
  max = 0;
  sum = 0;

  record(ms: number): void {
    const bucket = Math.max(0, Math.round(ms));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.n++;
    this.sum += bucket;
    if (bucket > this.max) this.max = bucket;
  }

  merge(other: LatencyHistogram | HistogramJson): this {
    const entries = other instanceof LatencyHistogram ? [...other.counts] : other.counts;
    for (const [bucket, count] of entries) {
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
      this.n += count;
      this.sum += bucket * count;
      if (bucket > this.max) this.max = bucket;
    }
    return this;
  }

  /** The smallest value v such that at least q of the samples are <= v (NaN when empty). */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    const target = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= target) return bucket;
    }
    return this.max;
  }

  toJSON(): HistogramJson {
    return { counts: [...this.counts] };
  }

  static from(json: HistogramJson): LatencyHistogram {
    return new LatencyHistogram().merge(json);
  }
}

export interface HistogramJson {
  counts: Array<[number, number]>;
}
