import { Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { ChatServerEvents, type ChatFrame, type ChatItem } from '@onda/contracts';
import { noopChatMetrics, type ChatMetrics } from '@onda/observability';
import { tickFor, type ChatOptions } from '../chat.options.js';
import { encodeRoomPacket, engineBacklog, rawSocketOf, writeThroughEngine, type RoomPacket } from './chat-room-writer.js';

/** The socket.io room of a channel. */
export const roomOf = (channelId: string): string => `ch:${channelId}`;
const ROOM_PREFIX = 'ch:';
/** Server-side event that carries frame items to the other API nodes (through the socket.io Redis adapter). */
const BUS_EVENT = 'onda:chat-items';
/** Server-side request: write your pending chat batch now (REST reads that must see every node's messages). */
const FLUSH_EVENT = 'onda:chat-flush';

type ItemsListener = (channelId: string, items: ChatItem[]) => void;

/** How often a room's sweep writes to its next share of viewers. */
const STEP_MS = 10;
/** At most this many viewers per step (a late timer catches up over the next steps, not in one long turn). */
const MAX_VISITS_PER_STEP = 2000;
/**
 * How long a join snapshot's messages are left out of that viewer's frames. A message can be in the snapshot and
 * reach this node's room log just after the socket joined (stored before the snapshot was read, published after):
 * only messages sent this recently can still be on their way, so older ones are not remembered at all.
 */
const COVERED_MS = 30_000;

/** A room's undelivered changes: frame items and viewer counts, in order. */
type Entry = { item: ChatItem } | { viewers: number };

/** What one viewer is owed, encoded once for every viewer owed the same. */
interface Owed {
  wire: Buffer;
  frame: RoomPacket | null;
  count: RoomPacket | null;
  items: number;
  sockets: number;
}

interface Room {
  /** Entries not yet written to every viewer; `base` is the sequence number of log[0]. */
  log: Entry[];
  base: number;
  /** Sequence number up to which each viewer has been written (a viewer not in here is owed the whole log). */
  seen: WeakMap<Socket, number>;
  /** The sweep: where it is in the room's socket ids, and the log's end when it began. */
  it: Iterator<string> | null;
  sweepFrom: number;
  /** The lowest log position a viewer still reading its join snapshot was owed from during this sweep (kept for it). */
  held: number;
  budget: number;
  timer: NodeJS.Timeout | undefined;
  lastStep: number;
  /** Encodings by the sequence number a viewer has seen, valid until the log changes. */
  owed: Map<number, Owed | null>;
}

/**
 * Fan-out built for large rooms. Every change to a room becomes frame items in the room's log on each
 * API node with local viewers. A sweep walks the room's viewers continuously, each one once per tick
 * (the tick grows with the room, see ChatOptions), and writes to each whatever it has not seen yet as
 * ONE `frame` (plus the latest viewer count, if one came). Viewers visited together are owed the same,
 * so each encoding is done once, into a finished WebSocket frame that goes straight to the TCP socket of
 * every viewer on the websocket transport with nothing queued; polling, upgrading or busy viewers get
 * the same packet text through engine.io. Spreading the writes over the tick keeps the event loop free
 * for acks and joins and delivers to everyone within one tick, instead of a burst for 10,000 sockets.
 * Items reach the other nodes once per item over the Redis adapter's server-side channel, so a viewer
 * gets one frame per tick however many nodes there are. A viewer whose write buffer keeps growing is
 * disconnected rather than buffered without bound.
 */
export class ChatFanout {
  private nsp: Namespace | null = null;
  private clustered = false;
  private readonly rooms = new Map<string, Room>();
  private readonly listeners: ItemsListener[] = [];
  private flushLocal: () => Promise<void> = () => Promise.resolve();
  private readonly logger = new Logger('ChatFanout');
  /**
   * Viewers between joined() and delivered() (ids null: written nothing until their snapshot is read), and the
   * message ids a viewer got in its join snapshot (dropped when matched, or after COVERED_MS).
   */
  private readonly covered = new WeakMap<Socket, { ids: Set<string> | null; until: number }>();
  /** Counters for tests and benchmarks. */
  readonly counters = { frames: 0, items: 0, slowConsumers: 0, rawWrites: 0, engineWrites: 0 };

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
    if (!this.localSize(channelId)) return;
    this.append(channelId, [{ viewers: count }]);
  }

  /**
   * A socket just joined the room: it is owed what is published from now on (its join snapshot has the rest), and
   * is written nothing until delivered() says what the snapshot held.
   */
  joined(channelId: string, socket: Socket): void {
    const room = this.rooms.get(channelId);
    room?.seen.set(socket, room.base + room.log.length);
    this.covered.set(socket, { ids: null, until: Date.now() + COVERED_MS });
  }

  /**
   * The socket's join snapshot held these messages: its frames leave them out, so a message reaches a viewer
   * exactly once on the wire (joined() comes first, so nothing falls between the snapshot and the frames; this
   * takes out what is in both).
   */
  delivered(socket: Socket, messages: ReadonlyArray<{ id: string; createdAt: string }>): void {
    const now = Date.now();
    const ids = new Set(messages.filter((m) => Date.parse(m.createdAt) > now - COVERED_MS).map((m) => m.id));
    if (ids.size) this.covered.set(socket, { ids, until: now + COVERED_MS });
    else this.covered.delete(socket);
  }

  /** Nest calls this on the instance the chat's providers made (its timers stop with the module). */
  onModuleDestroy(): void {
    this.close();
  }

  close(): void {
    for (const room of this.rooms.values()) clearTimeout(room.timer);
    this.rooms.clear();
  }

  private receive(channelId: string, items: ChatItem[]): void {
    for (const listener of this.listeners) {
      try {
        listener(channelId, items);
      } catch (error) {
        this.logger.error(`chat item listener failed: ${(error as Error).message}`);
      }
    }
    if (!this.localSize(channelId)) return;
    this.append(
      channelId,
      items.map((item) => ({ item })),
    );
  }

  private append(channelId: string, entries: Entry[]): void {
    let room = this.rooms.get(channelId);
    if (!room) {
      room = { log: [], base: 0, seen: new WeakMap(), it: null, sweepFrom: 0, held: Infinity, budget: 0, timer: undefined, lastStep: 0, owed: new Map() };
      this.rooms.set(channelId, room);
    }
    for (const entry of entries) room.log.push(entry);
    this.retireEncodings(room);
    if (!room.timer) {
      // From rest, the sweep's first viewer is due after a short wait that collects a burst.
      if (!room.it) room.budget = 1;
      room.lastStep = Date.now();
      room.timer = setTimeout(() => this.step(channelId), room.it ? STEP_MS : this.options.coalesceMs);
    }
  }

  /** Writes to the room's next share of viewers: size x elapsed / tick of them, so the sweep covers the room once per tick. */
  private step(channelId: string): void {
    const room = this.rooms.get(channelId);
    const nsp = this.nsp;
    if (!room || !nsp) return;
    room.timer = undefined;
    const ids = nsp.adapter.rooms.get(roomOf(channelId));
    if (!ids?.size) {
      this.retireEncodings(room);
      this.rooms.delete(channelId);
      return;
    }
    const now = Date.now();
    room.budget = Math.min(MAX_VISITS_PER_STEP, room.budget + (ids.size * (now - room.lastStep)) / tickFor(this.options, ids.size));
    room.lastStep = now;
    if (!room.it) {
      room.it = ids.values();
      room.sweepFrom = room.base + room.log.length;
    }
    while (room.budget >= 1) {
      const next = room.it.next();
      if (next.done) {
        // A whole sweep: everyone here has everything logged before it began (but a viewer still joining).
        const drop = Math.min(room.sweepFrom, room.held) - room.base;
        room.held = Infinity;
        if (drop > 0) {
          room.log.splice(0, drop);
          room.base += drop;
          this.retireEncodings(room);
        }
        if (!room.log.length) {
          // Nothing left to write: the sweep rests until something is published.
          room.it = null;
          room.budget = 0;
          return;
        }
        room.it = ids.values();
        room.sweepFrom = room.base + room.log.length;
        continue;
      }
      room.budget -= 1;
      const socket = nsp.sockets.get(next.value);
      if (socket) this.visit(room, socket);
    }
    room.timer = setTimeout(() => this.step(channelId), STEP_MS);
  }

  /** Writes to one viewer what it has not seen yet. */
  private visit(room: Room, socket: Socket): void {
    const end = room.base + room.log.length;
    const seen = Math.max(room.seen.get(socket) ?? room.base, room.base);
    if (seen >= end) return;
    const covered = this.coveredFor(socket);
    // Still reading its snapshot: visited again next sweep (the log keeps what it is owed until then).
    if (covered === 'joining') return this.holdLog(room, seen);
    const owed = covered ? this.owedExcept(room, seen, covered, socket) : this.owedFrom(room, seen);
    room.seen.set(socket, end);
    if (!owed) return;
    const raw = rawSocketOf(socket);
    if (raw) {
      if (raw.writableLength > this.options.slowConsumerBytes) return this.dropSlowConsumer(socket);
      raw.write(owed.wire);
      this.counters.rawWrites += 1;
    } else {
      if (engineBacklog(socket) > this.options.slowConsumerPackets) return this.dropSlowConsumer(socket);
      if (owed.frame) writeThroughEngine(socket, owed.frame, false);
      if (owed.count) writeThroughEngine(socket, owed.count, true);
      this.counters.engineWrites += 1;
    }
    owed.sockets += 1;
  }

  /** Keeps the log from `seen` on through this sweep: a viewer reading its snapshot gets it on a later visit. */
  private holdLog(room: Room, seen: number): void {
    room.held = Math.min(room.held, seen);
  }

  /** The socket's snapshot ids still to leave out, `joining` while its snapshot is read (expired ones are forgotten here). */
  private coveredFor(socket: Socket): Set<string> | 'joining' | null {
    const covered = this.covered.get(socket);
    if (!covered) return null;
    if (covered.until > Date.now()) return covered.ids ?? 'joining';
    this.covered.delete(socket);
    return null;
  }

  /** The frame and latest viewer count from log position `seen` on. */
  private pending(room: Room, seen: number): { items: ChatItem[]; viewers: number | null } {
    const items: ChatItem[] = [];
    let viewers: number | null = null;
    for (let i = seen - room.base; i < room.log.length; i++) {
      const entry = room.log[i]!;
      if ('item' in entry) items.push(entry.item);
      else viewers = entry.viewers;
    }
    return { items, viewers };
  }

  /**
   * What a just-joined viewer is owed, less the messages its snapshot had: encoded for it alone when one is left
   * out (once per re-join), the shared encoding otherwise.
   */
  private owedExcept(room: Room, seen: number, ids: Set<string>, socket: Socket): Owed | null {
    const { items, viewers } = this.pending(room, seen);
    const kept = items.filter((item) => !(item.type === 'message' && ids.delete(item.message.id)));
    if (!ids.size) this.covered.delete(socket);
    if (kept.length === items.length) return this.owedFrom(room, seen);
    const owed = this.encode(kept, viewers);
    if (owed?.items) {
      this.counters.frames += 1;
      this.counters.items += owed.items;
      this.metrics.frameOut(owed.items, 1);
    }
    return owed;
  }

  /** The frame (and latest viewer count) for a viewer that has seen up to `seen`; null when there is nothing to send. */
  private owedFrom(room: Room, seen: number): Owed | null {
    let owed = room.owed.get(seen);
    if (owed !== undefined) return owed;
    const { items, viewers } = this.pending(room, seen);
    owed = this.encode(items, viewers);
    room.owed.set(seen, owed);
    return owed;
  }

  private encode(items: ChatItem[], viewers: number | null): Owed | null {
    let owed: Owed | null;
    const nsp = this.nsp!;
    const frame = items.length ? encodeRoomPacket(nsp, ChatServerEvents.frame, { items } satisfies ChatFrame) : null;
    const count = viewers !== null ? encodeRoomPacket(nsp, ChatServerEvents.viewers, { count: viewers }) : null;
    if (frame && count) owed = { wire: Buffer.concat([frame.wire, count.wire]), frame, count, items: items.length, sockets: 0 };
    else if (frame ?? count) owed = { wire: (frame ?? count)!.wire, frame, count, items: items.length, sockets: 0 };
    else owed = null;
    return owed;
  }

  /** Encodings are valid until the log changes; each one that was written is a frame (counted with the viewers it reached). */
  private retireEncodings(room: Room): void {
    for (const owed of room.owed.values()) {
      if (!owed?.sockets || !owed.items) continue;
      this.counters.frames += 1;
      this.counters.items += owed.items;
      this.metrics.frameOut(owed.items, owed.sockets);
    }
    room.owed.clear();
  }

  private dropSlowConsumer(socket: Socket): void {
    this.counters.slowConsumers += 1;
    socket.disconnect(true);
  }
}
