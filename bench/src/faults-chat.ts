import { io, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type ChatAck, type ChatFrame, type ChatJoined, type ChatSent } from '@onda/contracts';
import { sleep } from '@onda/testing';

/**
 * Chat viewers that ride through faults as the web client does: socket.io with reconnection on, and on
 * every (re)connect a `join` with `since` = the newest message id held, so the room replays what was
 * missed. Each viewer keeps the ids it got on the wire (no client-side dedup): a message seen twice is a duplicate, a message the sender had
 * acknowledged and a viewer never got is lost. A viewer is "down" from its disconnect to its re-join.
 */
class FaultViewer {
  readonly seen = new Map<string, number>();
  newest: string | undefined;
  downSince: number | null = null;
  readonly reconnectMs: number[] = [];
  joined = false;

  constructor(readonly socket: Socket, private readonly channel: string, private readonly nickname: string) {
    socket.on('frame', (f: ChatFrame) => {
      for (const item of f.items) if (item.type === 'message') this.add(item.message.id);
    });
    socket.on('disconnect', () => {
      this.joined = false;
      this.downSince ??= Date.now();
    });
    socket.on('connect', () => void this.join());
  }

  private add(id: string): void {
    this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    // The newest id held (ids are time-ordered), as the web client re-joins with its last message on screen: a
    // frame written before the join's answer can be newer than the snapshot's last message.
    if (this.newest === undefined || id > this.newest) this.newest = id;
  }

  async join(): Promise<void> {
    for (let attempt = 0; attempt < 30 && this.socket.connected; attempt++) {
      // As the web client: the newest id held, and the last few ids held (one may have come ahead of an older one).
      const replay = this.newest ? { since: this.newest, recent: [...this.seen.keys()].sort().slice(-20) } : {};
      const ack = (await this.socket.timeout(10_000).emitWithAck('join', { channel: this.channel, nickname: this.nickname, ...replay }).catch(() => null)) as ChatAck<ChatJoined> | null;
      if (ack?.ok) {
        // The replay holds only messages this viewer lacks: one already seen here counts as a duplicate.
        for (const m of ack.data.history) this.add(m.id);
        if (this.downSince !== null) this.reconnectMs.push(Date.now() - this.downSince);
        this.downSince = null;
        this.joined = true;
        return;
      }
      await sleep(500);
    }
  }
}

export interface ChatFaultStats {
  viewers: number;
  sent: number;
  /** Sends the server did not acknowledge (the sender's node could not take them). */
  sendFailures: number;
  /** Why: the ack's error code, or `no answer` (timed out, disconnected). */
  refusals: Record<string, number>;
  /** Acknowledged messages some viewer never received, summed over viewers. */
  lost: number;
  /** Messages a viewer received more than once, summed over viewers. */
  duplicated: number;
  /** Viewers that were disconnected, and their time to a re-join (max, ms). */
  reconnected: number;
  maxReconnectMs: number;
  /** Viewers not joined at the end. */
  stillDown: number;
}

/** N viewers spread over the API nodes by the balancer, plus one sender posting every `everyMs`. */
export class FaultChat {
  private viewers: FaultViewer[] = [];
  private sender!: FaultViewer;
  private readonly acked: string[] = [];
  private sendFailures = 0;
  private readonly refusals: Record<string, number> = {};
  private sending = false;
  private loop: Promise<void> = Promise.resolve();

  /** `token`: the sender posts as the channel's owner (no anonymous rate limit). */
  constructor(private readonly url: string, private readonly channel: string, private readonly token: string) {}

  private open(nickname: string, localAddress?: string, token?: string): FaultViewer {
    const socket = io(`${this.url}${CHAT_NAMESPACE}`, {
      transports: ['websocket'], forceNew: true, reconnectionDelay: 250, reconnectionDelayMax: 2000, timeout: 10_000,
      auth: token ? { token } : { deviceId: `fault-${nickname}`.padEnd(8, '0') }, ...(localAddress ? { localAddress } : {}),
    });
    return new FaultViewer(socket, this.channel, nickname);
  }

  async connect(count: number): Promise<void> {
    this.sender = this.open('sender', undefined, this.token);
    for (let i = 0; i < count; i++) {
      // Spread over 127.0.0.x: per-address chat limits and source hashing see distinct viewers.
      this.viewers.push(this.open(`v${i}`, `127.0.0.${2 + (i % 200)}`));
      if (i % 50 === 49) await sleep(100);
    }
    const all = [this.sender, ...this.viewers];
    const deadline = Date.now() + 120_000;
    while (all.some((v) => !v.joined)) {
      if (Date.now() > deadline) throw new Error(`${all.filter((v) => !v.joined).length} chat viewers did not join`);
      await sleep(200);
    }
  }

  /** One message per `everyMs` (a signed-in author may send 20 per 30 s: 1,500 ms or more stays under it). */
  startSending(everyMs = 1600): void {
    this.sending = true;
    this.loop = (async () => {
      for (let n = 0; this.sending; n++) {
        const t = Date.now();
        if (this.sender.joined) {
          const ack = (await this.sender.socket.timeout(5000).emitWithAck('send', { text: `fault ${n}` }).catch(() => null)) as ChatAck<ChatSent> | null;
          if (ack?.ok && ack.data.outcome === 'delivered') this.acked.push(ack.data.id);
          else {
            this.sendFailures++;
            const code = ack && !ack.ok ? ack.error.code : 'no answer';
            this.refusals[code] = (this.refusals[code] ?? 0) + 1;
          }
        }
        await sleep(Math.max(0, everyMs - (Date.now() - t)));
      }
    })();
  }

  /** Stops sending, waits for the last frames, and counts per viewer. */
  async finish(settleMs = 3000): Promise<ChatFaultStats> {
    this.sending = false;
    await this.loop;
    await sleep(settleMs);
    let lost = 0;
    let duplicated = 0;
    for (const v of this.viewers) {
      for (const id of this.acked) if (!v.seen.has(id)) lost++;
      for (const n of v.seen.values()) if (n > 1) duplicated += n - 1;
    }
    const reconnectTimes = this.viewers.flatMap((v) => v.reconnectMs);
    return {
      viewers: this.viewers.length, sent: this.acked.length, sendFailures: this.sendFailures, refusals: this.refusals, lost, duplicated,
      reconnected: this.viewers.filter((v) => v.reconnectMs.length > 0).length,
      maxReconnectMs: reconnectTimes.length ? Math.max(...reconnectTimes) : 0,
      stillDown: this.viewers.filter((v) => !v.joined).length,
    };
  }

  close(): void {
    for (const v of [this.sender, ...this.viewers]) v?.socket.disconnect();
  }
}
