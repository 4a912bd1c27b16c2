import type { Redis } from 'ioredis';
import type { ChatMessage, ChatSettings } from '@onda/contracts';
import { RECENT_SIZE } from '../chat.options.js';
import { ADDRESS_MEMORY_MS, countsOf, type BanUntil, type NetworkKeys, type ChatStore, type GateRequest, type GateVerdict, type OpenPoll, type RoomSnapshot, type RoomView, type VoteResult } from './chat.store.js';
import { FILTER, GATE, LOAD, PUSH, REACT, ROOM_SET, VOTE } from './redis-chat.scripts.js';

type Script = (...args: Array<string | number>) => Promise<unknown>;
interface Scripts {
  chatLoad: Script;
  chatGate: Script;
  chatRoomSet: Script;
  chatPush: Script;
  chatFilter: Script;
  chatReact: Script;
  chatVote: Script;
}

/** Rooms nobody touched for a week leave Redis; the next visitor reloads them from PostgreSQL. */
const ROOM_TTL_MS = 7 * 24 * 3600_000;
const REACTION_TTL_MS = 6 * 3600_000;
const VOTES_TTL_MS = 2 * 24 * 3600_000;
const VIEWERS_TTL_MS = 60_000;

const pairs = (flat: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = Number(flat[i + 1]);
  return out;
};
const parse = <T>(json: string | null | undefined): T | null => (json ? (JSON.parse(json) as T) : null);

/**
 * The chat store shared by every API node (scale-out). Keys carry the channel in a hash tag
 * (`{channelId}`) so each script touches one cluster slot.
 */
export class RedisChatStore implements ChatStore {
  private readonly scripts: Scripts;
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('chatLoad', { numberOfKeys: 5, lua: LOAD });
    redis.defineCommand('chatGate', { numberOfKeys: 4, lua: GATE });
    redis.defineCommand('chatRoomSet', { numberOfKeys: 1, lua: ROOM_SET });
    redis.defineCommand('chatPush', { numberOfKeys: 2, lua: PUSH });
    redis.defineCommand('chatFilter', { numberOfKeys: 1, lua: FILTER });
    redis.defineCommand('chatReact', { numberOfKeys: 3, lua: REACT });
    redis.defineCommand('chatVote', { numberOfKeys: 3, lua: VOTE });
    this.scripts = redis as unknown as Scripts;
  }

  private key(channelId: string, ...parts: string[]): string {
    return [`${this.prefix}:chat:{${channelId}}`, ...parts].join(':');
  }

  async load(channelId: string, snap: RoomSnapshot): Promise<void> {
    const pollId = snap.poll?.id ?? 'none';
    await this.scripts.chatLoad(
      this.key(channelId, 'room'),
      this.key(channelId, 'bans'),
      this.key(channelId, 'recent'),
      this.key(channelId, 'poll', pollId, 'votes'),
      this.key(channelId, 'poll', pollId, 'counts'),
      JSON.stringify(snap.settings),
      snap.pinned ? JSON.stringify(snap.pinned) : '',
      snap.poll ? JSON.stringify(snap.poll) : '',
      ROOM_TTL_MS,
      snap.bans.length,
      ...snap.bans.flatMap((b) => [b.authorKey, b.until ?? 0]),
      Math.min(snap.recent.length, RECENT_SIZE),
      ...snap.recent.slice(0, RECENT_SIZE).map((m) => JSON.stringify(m)),
      snap.poll ? snap.votes.length : 0,
      ...(snap.poll ? snap.votes.flatMap(([voter, option]) => [voter, option]) : []),
    );
  }

  async loaded(channelId: string): Promise<boolean> {
    return (await this.redis.hexists(this.key(channelId, 'room'), 'settings')) === 1;
  }

  async view(channelId: string, authorKey: string, now: number): Promise<RoomView | null> {
    const results = await this.redis
      .multi()
      .hmget(this.key(channelId, 'room'), 'settings', 'pinned', 'poll')
      .lrange(this.key(channelId, 'recent'), 0, -1)
      .hget(this.key(channelId, 'bans'), authorKey)
      .exec();
    const [room, recent, ban] = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [Array<string | null>, string[], string | null];
    const settings = parse<ChatSettings>(room[0]);
    if (!settings) return null;
    const poll = parse<OpenPoll>(room[2]);
    let pollCounts: number[] = [];
    let vote: number | null = null;
    if (poll) {
      const [counts, mine] = await Promise.all([
        this.redis.hgetall(this.key(channelId, 'poll', poll.id, 'counts')),
        this.redis.hget(this.key(channelId, 'poll', poll.id, 'votes'), authorKey),
      ]);
      pollCounts = countsOf(poll, Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])));
      vote = mine === null ? null : Number(mine);
    }
    const until = ban === null ? undefined : Number(ban) === 0 ? null : Number(ban);
    return {
      settings,
      pinned: parse<ChatMessage>(room[1]),
      poll,
      pollCounts,
      recent: recent.map((m) => JSON.parse(m) as ChatMessage),
      ban: typeof until === 'number' && until <= now ? undefined : until,
      vote,
    };
  }

  async gate(channelId: string, req: GateRequest): Promise<GateVerdict> {
    const [status, value] = (await this.scripts.chatGate(
      this.key(channelId, 'room'),
      this.key(channelId, 'bans'),
      this.key(channelId, 'rate', req.authorKey),
      this.key(channelId, 'slow'),
      req.authorKey,
      req.now,
      req.registered ? 1 : 0,
      req.moderator ? 1 : 0,
      req.limit,
      req.windowMs,
      `${req.now}-${process.pid}-${++this.seq}`,
      ...(req.networkKeys ?? []),
    )) as [string, string | number];
    if (status === 'ok') return { ok: true, settings: JSON.parse(String(value)) as ChatSettings };
    return { ok: false, reason: status as Exclude<GateVerdict, { ok: true }>['reason'], retryAfterMs: Math.max(0, Number(value)) };
  }

  async settings(channelId: string): Promise<ChatSettings | null> {
    return parse<ChatSettings>(await this.redis.hget(this.key(channelId, 'room'), 'settings'));
  }

  async setSettings(channelId: string, settings: ChatSettings): Promise<void> {
    await this.scripts.chatRoomSet(this.key(channelId, 'room'), 'settings', JSON.stringify(settings));
  }

  async rememberAddress(channelId: string, authorKey: string, keys: NetworkKeys): Promise<void> {
    await this.redis.set(this.key(channelId, 'addr', authorKey), `${keys.address} ${keys.subnet}`, 'PX', ADDRESS_MEMORY_MS);
  }

  async addressOf(channelId: string, authorKey: string): Promise<NetworkKeys | null> {
    const [address, subnet] = (await this.redis.get(this.key(channelId, 'addr', authorKey)))?.split(' ') ?? [];
    return address && subnet ? { address, subnet } : null;
  }

  async setBan(channelId: string, authorKey: string, until: BanUntil): Promise<void> {
    await this.redis.hset(this.key(channelId, 'bans'), authorKey, until ?? 0);
  }

  async clearBan(channelId: string, authorKey: string): Promise<void> {
    await this.redis.hdel(this.key(channelId, 'bans'), authorKey);
  }

  async pushRecent(channelId: string, message: ChatMessage): Promise<void> {
    await this.scripts.chatPush(this.key(channelId, 'room'), this.key(channelId, 'recent'), JSON.stringify(message), RECENT_SIZE, ROOM_TTL_MS);
  }

  async removeRecent(channelId: string, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    return Number(await this.scripts.chatFilter(this.key(channelId, 'recent'), 'id', ...ids));
  }

  async purgeRecent(channelId: string, authorKey: string): Promise<number> {
    return Number(await this.scripts.chatFilter(this.key(channelId, 'recent'), 'author', authorKey));
  }

  async findRecent(channelId: string, id: string): Promise<ChatMessage | null> {
    const prefix = `{"id":"${id}"`;
    const items = await this.redis.lrange(this.key(channelId, 'recent'), 0, -1);
    return parse<ChatMessage>(items.find((m) => m.startsWith(prefix)));
  }

  async pinned(channelId: string): Promise<ChatMessage | null> {
    return parse<ChatMessage>(await this.redis.hget(this.key(channelId, 'room'), 'pinned'));
  }

  async setPinned(channelId: string, message: ChatMessage | null): Promise<void> {
    await this.scripts.chatRoomSet(this.key(channelId, 'room'), 'pinned', message ? JSON.stringify(message) : '');
  }

  async poll(channelId: string): Promise<OpenPoll | null> {
    return parse<OpenPoll>(await this.redis.hget(this.key(channelId, 'room'), 'poll'));
  }

  async setPoll(channelId: string, poll: OpenPoll | null): Promise<void> {
    await this.scripts.chatRoomSet(this.key(channelId, 'room'), 'poll', poll ? JSON.stringify(poll) : '');
  }

  async vote(channelId: string, pollId: string, voterKey: string, option: number, now: number): Promise<VoteResult> {
    const [status, ...flat] = (await this.scripts.chatVote(
      this.key(channelId, 'room'),
      this.key(channelId, 'poll', pollId, 'votes'),
      this.key(channelId, 'poll', pollId, 'counts'),
      pollId,
      voterKey,
      option,
      now,
      VOTES_TTL_MS,
    )) as [VoteResult['status'], ...string[]];
    if (status === 'closed') return { status, counts: [] };
    const byOption = pairs(flat);
    const n = Math.max(0, ...Object.keys(byOption).map((k) => Number(k) + 1));
    return { status, counts: Array.from({ length: n }, (_, i) => byOption[String(i)] ?? 0) };
  }

  async pollCounts(channelId: string, pollId: string, options: number): Promise<number[]> {
    const raw = await this.redis.hgetall(this.key(channelId, 'poll', pollId, 'counts'));
    return Array.from({ length: options }, (_, i) => Number(raw[String(i)] ?? 0));
  }

  async react(channelId: string, messageId: string, emote: string, authorKey: string): Promise<{ counts: Record<string, number>; added: boolean } | null> {
    const flat = (await this.scripts.chatReact(
      this.key(channelId, 'recent'),
      this.key(channelId, 'rx', messageId),
      this.key(channelId, 'rxu', messageId),
      messageId,
      emote,
      `${emote}|${authorKey}`,
      REACTION_TTL_MS,
    )) as string[] | null;
    // The script puts 1/0 (was this author's emote new?) before the HGETALL pairs.
    return flat ? { added: flat[0] === '1', counts: pairs(flat.slice(1)) } : null;
  }

  async reactions(channelId: string, messageIds: string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (!messageIds.length) return out;
    const pipeline = this.redis.pipeline();
    for (const id of messageIds) pipeline.hgetall(this.key(channelId, 'rx', id));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([err, value], i) => {
      const counts = value as Record<string, string> | null;
      if (!err && counts && Object.keys(counts).length) out.set(messageIds[i]!, Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])));
    });
    return out;
  }

  async reportViewers(nodeId: string, counts: Array<[string, number]>, now: number): Promise<void> {
    if (!counts.length) return;
    const pipeline = this.redis.pipeline();
    for (const [channelId, count] of counts) {
      const key = this.key(channelId, 'viewers');
      if (count > 0) pipeline.hset(key, nodeId, `${count}:${now}`).pexpire(key, VIEWERS_TTL_MS);
      else pipeline.hdel(key, nodeId);
    }
    await pipeline.exec();
  }

  async otherViewers(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!channelIds.length) return out;
    const pipeline = this.redis.pipeline();
    for (const channelId of channelIds) pipeline.hgetall(this.key(channelId, 'viewers'));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([err, value], i) => {
      let sum = 0;
      if (!err) {
        for (const [node, entry] of Object.entries(value as Record<string, string>)) {
          const [count, at] = entry.split(':').map(Number);
          if (node !== nodeId && (at ?? 0) >= now - staleMs) sum += count ?? 0;
        }
      }
      out.set(channelIds[i]!, sum);
    });
    return out;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
