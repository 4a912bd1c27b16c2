import { Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { ChatServerEvents, type ChatFrame, type ChatItem } from '@onda/contracts';
import { noopChatMetrics, type ChatMetrics } from '@onda/observability';
import { tickFor, type ChatOptions } from './chat.options.js';

/** The socket.io room of a channel. */
export const roomOf = (channelId: string): string => `ch:${channelId}`;
const ROOM_PREFIX = 'ch:';
/** Server-side event that carries frame items to the other API nodes (through the socket.io Redis adapter). */
const BUS_EVENT = 'onda:chat-items';
/** Server-side request: write your pending chat batch now (REST reads that must see every node's messages). */
const FLUSH_EVENT = 'onda:chat-flush';

type ItemsListener = (channelId: string, items: ChatItem[]) => void;

interface RoomBuffer {
  items: ChatItem[];
  timer: NodeJS.Timeout | undefined;
  lastFlush: number;
}

/**
 * Fan-out built for large rooms. Every change to a room becomes frame items; each API node keeps a
 * buffer per room with local viewers and emits it as ONE `frame` per tick to its own sockets (the
 * adapter encodes the packet once for the whole room). Items reach the other nodes once per item over
 * the Redis adapter's server-side channel, so a viewer gets one frame per tick however many nodes there
 * are. The tick grows with the room (see ChatOptions), and a viewer whose write buffer keeps growing
 * is disconnected rather than buffered without bound.
 */
export class ChatFanout {
  private nsp: Namespace | null = null;
  private clustered = false;
  private readonly buffers = new Map<string, RoomBuffer>();
  private readonly listeners: ItemsListener[] = [];
  private flushLocal: () => Promise<void> = () => Promise.resolve();
  private readonly logger = new Logger('ChatFanout');
  /** Counters for tests and benchmarks. */
  readonly counters = { frames: 0, items: 0, slowConsumers: 0 };

  constructor(
    private readonly options: ChatOptions,
    private readonly metrics: ChatMetrics = noopChatMetrics,
  ) {}

  attach(nsp: Namespace, clustered: boolean): void {
    this.nsp = nsp;
    this.clustered = clustered;
    if (!clustered) return;
    nsp.on(BUS_EVENT, (channelId: string, items: ChatItem[]) => this.receive(channelId, items));
    nsp.on(FLUSH_EVENT, (ack: (result: string) => void) => {
      this.flushLocal().then(
        () => ack('ok'),
        () => ack('failed'),
      );
    });
  }

  /** What this node does when any node asks every node to write its pending messages. */
  onFlushRequest(flush: () => Promise<void>): void {
    this.flushLocal = flush;
  }

  /** Writes pending messages here and on every other node (each answers once written; a silent node is not waited for long). */
  async flushEverywhere(): Promise<void> {
    await this.flushLocal();
    if (!this.clustered || !this.nsp) return;
    await this.nsp.serverSideEmitWithAck(FLUSH_EVENT).catch((e: unknown) => this.logger.warn(`not every node confirmed its chat batch: ${(e as Error).message}`));
  }

  /** Called for every batch of items this node receives, its own included (before they are buffered). */
  onItems(listener: ItemsListener): void {
    this.listeners.push(listener);
  }

  /** Sends items to every viewer of the channel on every node. */
  publish(channelId: string, items: ChatItem[]): void {
    if (!items.length) return;
    this.receive(channelId, items);
    if (this.clustered) this.nsp?.serverSideEmit(BUS_EVENT, channelId, items);
  }

  /** Local viewers of a channel on this node. */
  localSize(channelId: string): number {
    return this.nsp?.adapter.rooms.get(roomOf(channelId))?.size ?? 0;
  }

  /** Rooms with viewers on this node and how many. */
  localRooms(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const [name, ids] of this.nsp?.adapter.rooms ?? []) if (name.startsWith(ROOM_PREFIX)) out.push([name.slice(ROOM_PREFIX.length), ids.size]);
    return out;
  }

  /** Viewer counts are volatile: a viewer whose connection is busy just misses one. */
  emitViewers(channelId: string, count: number): void {
    this.nsp?.local.to(roomOf(channelId)).volatile.emit(ChatServerEvents.viewers, { count });
  }

  close(): void {
    for (const buffer of this.buffers.values()) clearTimeout(buffer.timer);
    this.buffers.clear();
  }

  private receive(channelId: string, items: ChatItem[]): void {
    for (const listener of this.listeners) {
      try {
        listener(channelId, items);
      } catch (error) {
        this.logger.error(`chat item listener failed: ${(error as Error).message}`);
      }
    }
    const size = this.localSize(channelId);
    if (!size) return;
    let buffer = this.buffers.get(channelId);
    if (!buffer) this.buffers.set(channelId, (buffer = { items: [], timer: undefined, lastFlush: 0 }));
    for (const item of items) buffer.items.push(item);
    if (buffer.timer) return;
    // Leading edge after a quiet spell (a short wait collects a burst), then at most one frame per tick.
    const now = Date.now();
    const due = Math.max(now + this.options.coalesceMs, buffer.lastFlush + tickFor(this.options, size));
    buffer.timer = setTimeout(() => this.flush(channelId), due - now);
  }

  private flush(channelId: string): void {
    const buffer = this.buffers.get(channelId);
    const nsp = this.nsp;
    if (!buffer || !nsp) return;
    const items = buffer.items;
    buffer.items = [];
    buffer.timer = undefined;
    buffer.lastFlush = Date.now();
    const name = roomOf(channelId);
    const ids = nsp.adapter.rooms.get(name);
    if (!ids?.size) {
      this.buffers.delete(channelId);
      return;
    }
    this.dropSlowConsumers(ids);
    const frame: ChatFrame = { items };
    nsp.local.to(name).emit(ChatServerEvents.frame, frame);
    this.counters.frames += 1;
    this.counters.items += items.length;
    this.metrics.frameOut(items.length, ids.size);
  }

  private dropSlowConsumers(ids: Set<string>): void {
    const max = this.options.slowConsumerPackets;
    for (const id of ids) {
      const socket = this.nsp!.sockets.get(id);
      const backlog = (socket?.conn as unknown as { writeBuffer?: unknown[] } | undefined)?.writeBuffer?.length ?? 0;
      if (backlog > max) {
        this.counters.slowConsumers += 1;
        socket!.disconnect(true);
      }
    }
  }
}
