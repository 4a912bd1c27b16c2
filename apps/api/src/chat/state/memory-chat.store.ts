import type { ChatMessage, ChatSettings } from '@onda/contracts';
import { RECENT_SIZE } from '../chat.options.js';
import { ADDRESS_MEMORY_MS, type BanUntil, type ChatStore, type GateRequest, type GateVerdict, type NetworkKeys, type OpenPoll, type RoomSnapshot, type RoomView, type VoteResult } from './chat.store.js';

interface Room {
  settings: ChatSettings;
  pinned: ChatMessage | null;
  poll: OpenPoll | null;
  /** Newest first. */
  recent: ChatMessage[];
}

interface PollVotes {
  voters: Map<string, number>;
  counts: number[];
}

const REACTION_TTL_MS = 6 * 3600_000;

/** The chat store of one API process (embedded mode): the same semantics as the Redis store, in Maps. */
export class MemoryChatStore implements ChatStore {
  private readonly rooms = new Map<string, Room>();
  private readonly bans = new Map<string, Map<string, BanUntil>>();
  private readonly rate = new Map<string, number[]>();
  private readonly lastSend = new Map<string, number>();
  private readonly addresses = new Map<string, { keys: NetworkKeys; at: number }>();
  private readonly votes = new Map<string, PollVotes>();
  private readonly reactionCounts = new Map<string, { counts: Record<string, number>; who: Set<string>; at: number }>();
  private readonly viewers = new Map<string, Map<string, { count: number; at: number }>>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  load(channelId: string, snap: RoomSnapshot): Promise<void> {
    if (this.rooms.has(channelId)) return Promise.resolve();
    this.rooms.set(channelId, { settings: snap.settings, pinned: snap.pinned, poll: snap.poll, recent: snap.recent.slice(0, RECENT_SIZE) });
    const bans = this.bansOf(channelId);
    for (const b of snap.bans) bans.set(b.authorKey, b.until);
    if (snap.poll) {
      const v = this.votesOf(snap.poll.id, snap.poll.options.length);
      for (const [voter, option] of snap.votes) {
        if (v.voters.has(voter) || option >= v.counts.length) continue;
        v.voters.set(voter, option);
        v.counts[option]! += 1;
      }
    }
    return Promise.resolve();
  }

  loaded(channelId: string): Promise<boolean> {
    return Promise.resolve(this.rooms.has(channelId));
  }

  view(channelId: string, authorKey: string, now: number): Promise<RoomView | null> {
    const room = this.rooms.get(channelId);
    if (!room) return Promise.resolve(null);
    const votes = room.poll ? this.votesOf(room.poll.id, room.poll.options.length) : null;
    return Promise.resolve({
      settings: room.settings,
      pinned: room.pinned,
      poll: room.poll,
      pollCounts: votes ? [...votes.counts] : [],
      recent: [...room.recent],
      ban: this.activeBan(channelId, authorKey, now),
      vote: votes?.voters.get(authorKey) ?? null,
    });
  }

  gate(channelId: string, req: GateRequest): Promise<GateVerdict> {
    const room = this.rooms.get(channelId);
    if (!room) return Promise.resolve({ ok: false, reason: 'unloaded', retryAfterMs: 0 });
    let ban = this.activeBan(channelId, req.authorKey, req.now);
    for (const key of req.networkKeys ?? []) {
      const net = this.activeBan(channelId, key, req.now);
      if (net === null || (net !== undefined && ban !== null && net > (ban ?? 0))) ban = net;
    }
    if (ban === null) return Promise.resolve({ ok: false, reason: 'banned', retryAfterMs: 0 });
    if (ban !== undefined) return Promise.resolve({ ok: false, reason: 'timeout', retryAfterMs: ban - req.now });
    const { settings } = room;
    if (settings.registeredOnly && !req.registered) return Promise.resolve({ ok: false, reason: 'registered_only', retryAfterMs: 0 });
    this.sweep(req.now);
    const rateKey = `${channelId}|${req.authorKey}`;
    const log = (this.rate.get(rateKey) ?? []).filter((t) => t > req.now - req.windowMs);
    if (log.length >= req.limit) {
      this.rate.set(rateKey, log);
      return Promise.resolve({ ok: false, reason: 'rate_limited', retryAfterMs: log[0]! + req.windowMs - req.now });
    }
    const slowMs = settings.slowModeSeconds * 1000;
    if (!req.moderator && slowMs > 0) {
      const wait = (this.lastSend.get(rateKey) ?? 0) + slowMs - req.now;
      if (wait > 0) return Promise.resolve({ ok: false, reason: 'slow_mode', retryAfterMs: wait });
    }
    log.push(req.now);
    this.rate.set(rateKey, log);
    this.lastSend.set(rateKey, req.now);
    return Promise.resolve({ ok: true, settings });
  }

  settings(channelId: string): Promise<ChatSettings | null> {
    return Promise.resolve(this.rooms.get(channelId)?.settings ?? null);
  }

  setSettings(channelId: string, settings: ChatSettings): Promise<void> {
    const room = this.rooms.get(channelId);
    if (room) room.settings = settings;
    return Promise.resolve();
  }

  setBan(channelId: string, authorKey: string, until: BanUntil): Promise<void> {
    this.bansOf(channelId).set(authorKey, until);
    return Promise.resolve();
  }

  clearBan(channelId: string, authorKey: string): Promise<void> {
    this.bans.get(channelId)?.delete(authorKey);
    return Promise.resolve();
  }

  pushRecent(channelId: string, message: ChatMessage): Promise<void> {
    const room = this.rooms.get(channelId);
    if (room) room.recent = [message, ...room.recent].slice(0, RECENT_SIZE);
    return Promise.resolve();
  }

  removeRecent(channelId: string, ids: string[]): Promise<number> {
    const drop = new Set(ids);
    return Promise.resolve(this.filterRecent(channelId, (m) => !drop.has(m.id)));
  }

  purgeRecent(channelId: string, authorKey: string): Promise<number> {
    return Promise.resolve(this.filterRecent(channelId, (m) => m.author.key !== authorKey));
  }

  findRecent(channelId: string, id: string): Promise<ChatMessage | null> {
    return Promise.resolve(this.rooms.get(channelId)?.recent.find((m) => m.id === id) ?? null);
  }

  pinned(channelId: string): Promise<ChatMessage | null> {
    return Promise.resolve(this.rooms.get(channelId)?.pinned ?? null);
  }

  setPinned(channelId: string, message: ChatMessage | null): Promise<void> {
    const room = this.rooms.get(channelId);
    if (room) room.pinned = message;
    return Promise.resolve();
  }

  poll(channelId: string): Promise<OpenPoll | null> {
    return Promise.resolve(this.rooms.get(channelId)?.poll ?? null);
  }

  setPoll(channelId: string, poll: OpenPoll | null): Promise<void> {
    const room = this.rooms.get(channelId);
    if (!room) return Promise.resolve();
    // Counts of a replaced poll were read (and written to PostgreSQL) by whoever closed it.
    if (room.poll && room.poll.id !== poll?.id) this.votes.delete(room.poll.id);
    room.poll = poll;
    return Promise.resolve();
  }

  vote(channelId: string, pollId: string, voterKey: string, option: number, now: number): Promise<VoteResult> {
    const poll = this.rooms.get(channelId)?.poll;
    if (!poll || poll.id !== pollId || (poll.closesAtMs > 0 && now >= poll.closesAtMs)) return Promise.resolve({ status: 'closed', counts: [] });
    const v = this.votesOf(pollId, poll.options.length);
    if (option >= poll.options.length) return Promise.resolve({ status: 'invalid', counts: [...v.counts] });
    if (v.voters.has(voterKey)) return Promise.resolve({ status: 'duplicate', counts: [...v.counts] });
    v.voters.set(voterKey, option);
    v.counts[option]! += 1;
    return Promise.resolve({ status: 'ok', counts: [...v.counts] });
  }

  pollCounts(_channelId: string, pollId: string, options: number): Promise<number[]> {
    return Promise.resolve([...this.votesOf(pollId, options).counts]);
  }

  react(channelId: string, messageId: string, emote: string, authorKey: string): Promise<{ counts: Record<string, number>; added: boolean } | null> {
    if (!this.rooms.get(channelId)?.recent.some((m) => m.id === messageId)) return Promise.resolve(null);
    const key = `${channelId}|${messageId}`;
    const entry = this.reactionCounts.get(key) ?? { counts: {}, who: new Set<string>(), at: 0 };
    entry.at = this.now();
    const member = `${emote}|${authorKey}`;
    const added = !entry.who.has(member);
    if (added) {
      entry.who.add(member);
      entry.counts[emote] = (entry.counts[emote] ?? 0) + 1;
    }
    this.reactionCounts.set(key, entry);
    return Promise.resolve({ counts: { ...entry.counts }, added });
  }

  reactions(channelId: string, messageIds: string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    for (const id of messageIds) {
      const entry = this.reactionCounts.get(`${channelId}|${id}`);
      if (entry) out.set(id, { ...entry.counts });
    }
    return Promise.resolve(out);
  }

  reportViewers(nodeId: string, counts: Array<[string, number]>, now: number): Promise<void> {
    for (const [channelId, count] of counts) {
      const nodes = this.viewers.get(channelId) ?? new Map<string, { count: number; at: number }>();
      if (count > 0) nodes.set(nodeId, { count, at: now });
      else nodes.delete(nodeId);
      if (nodes.size) this.viewers.set(channelId, nodes);
      else this.viewers.delete(channelId);
    }
    return Promise.resolve();
  }

  otherViewers(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const channelId of channelIds) {
      let sum = 0;
      for (const [node, v] of this.viewers.get(channelId) ?? []) if (node !== nodeId && v.at >= now - staleMs) sum += v.count;
      out.set(channelId, sum);
    }
    return Promise.resolve(out);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  rememberAddress(channelId: string, authorKey: string, keys: NetworkKeys): Promise<void> {
    if (this.addresses.size > 100_000) this.addresses.clear();
    this.addresses.set(`${channelId}|${authorKey}`, { keys, at: this.now() });
    return Promise.resolve();
  }

  addressOf(channelId: string, authorKey: string): Promise<NetworkKeys | null> {
    const entry = this.addresses.get(`${channelId}|${authorKey}`);
    return Promise.resolve(entry && entry.at > this.now() - ADDRESS_MEMORY_MS ? entry.keys : null);
  }

  private activeBan(channelId: string, authorKey: string, now: number): BanUntil | undefined {
    const bans = this.bans.get(channelId);
    const until = bans?.get(authorKey);
    if (until === undefined) return undefined;
    if (until !== null && until <= now) {
      bans!.delete(authorKey);
      return undefined;
    }
    return until;
  }

  private bansOf(channelId: string): Map<string, BanUntil> {
    let bans = this.bans.get(channelId);
    if (!bans) this.bans.set(channelId, (bans = new Map()));
    return bans;
  }

  private votesOf(pollId: string, options: number): PollVotes {
    let v = this.votes.get(pollId);
    if (!v) this.votes.set(pollId, (v = { voters: new Map(), counts: Array.from({ length: options }, () => 0) }));
    return v;
  }

  private filterRecent(channelId: string, keep: (m: ChatMessage) => boolean): number {
    const room = this.rooms.get(channelId);
    if (!room) return 0;
    const before = room.recent.length;
    room.recent = room.recent.filter(keep);
    return before - room.recent.length;
  }

  /** Rate-limit logs, slow-mode times and reactions of idle authors and old messages go, so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, log] of this.rate) if ((log.at(-1) ?? 0) < now - 3600_000) this.rate.delete(key);
    for (const [key, at] of this.lastSend) if (at < now - 3600_000) this.lastSend.delete(key);
    for (const [key, entry] of this.reactionCounts) if (entry.at < now - REACTION_TTL_MS) this.reactionCounts.delete(key);
  }
}
