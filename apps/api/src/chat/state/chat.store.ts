import type { ChatMessage, ChatSettings } from '@onda/contracts';

/** A ban's end in ms since the epoch; null = permanent. */
export type BanUntil = number | null;

/** The open poll of a room as the store keeps it (closesAtMs 0 = no deadline). */
export interface OpenPoll {
  id: string;
  channelId: string;
  question: string;
  options: string[];
  createdAt: string;
  closesAt: string | null;
  closesAtMs: number;
}

/** What PostgreSQL knows about a room, loaded into the store the first time a node needs it. */
export interface RoomSnapshot {
  settings: ChatSettings;
  bans: Array<{ authorKey: string; until: BanUntil }>;
  pinned: ChatMessage | null;
  poll: OpenPoll | null;
  /** Votes of the open poll (voter key, option). */
  votes: Array<[string, number]>;
  /** Visible messages, newest first. */
  recent: ChatMessage[];
}

/** A room as one joining viewer sees it. */
export interface RoomView {
  settings: ChatSettings;
  pinned: ChatMessage | null;
  poll: OpenPoll | null;
  pollCounts: number[];
  /** Newest first. */
  recent: ChatMessage[];
  /** undefined: not banned; null: banned for good; a number: timed out until then. */
  ban: BanUntil | undefined;
  vote: number | null;
}

export interface GateRequest {
  authorKey: string;
  registered: boolean;
  /** Moderators skip slow mode. */
  moderator: boolean;
  /** Also refused when a ban holds on one of these: the sender's address and subnet keys (`networkKeys`). */
  networkKeys?: string[];
  now: number;
  limit: number;
  windowMs: number;
}

export type GateVerdict =
  | { ok: true; settings: ChatSettings }
  | { ok: false; reason: 'unloaded' | 'banned' | 'timeout' | 'registered_only' | 'rate_limited' | 'slow_mode'; retryAfterMs: number };

/** The ban keys of a chatter's address and of its /24 (IPv4) or /64 (IPv6) subnet: salted hashes, never the address. */
export interface NetworkKeys {
  address: string;
  subnet: string;
}

/** How long the store remembers which address an author last joined from (an address ban needs it). */
export const ADDRESS_MEMORY_MS = 24 * 3600_000;

export type VoteResult = { status: 'ok' | 'duplicate' | 'closed' | 'invalid'; counts: number[] };

/**
 * The state chat shares between API nodes: room settings, bans, pinned message, open poll and votes,
 * recent messages, rate-limit and slow-mode windows, reactions and per-node viewer counts. Redis in
 * scale-out, process memory in embedded mode; PostgreSQL stays the source of truth for everything
 * durable, and a room is (re)loaded from it when the store does not have it.
 */
export interface ChatStore {
  /** Loads a room unless it is loaded already (then nothing changes). */
  load(channelId: string, snapshot: RoomSnapshot): Promise<void>;
  loaded(channelId: string): Promise<boolean>;
  /** null when the room is not loaded. */
  view(channelId: string, authorKey: string, now: number): Promise<RoomView | null>;
  /** Ban, registered-only, per-author rate limit and slow mode in one atomic step; records the send when it passes. */
  gate(channelId: string, req: GateRequest): Promise<GateVerdict>;
  settings(channelId: string): Promise<ChatSettings | null>;
  /** Room-level writes apply only to a loaded room (an unloaded one reads PostgreSQL when it loads). */
  setSettings(channelId: string, settings: ChatSettings): Promise<void>;
  setBan(channelId: string, authorKey: string, until: BanUntil): Promise<void>;
  /** Remembers the network keys an author joined from (for ADDRESS_MEMORY_MS), so a moderator can ban that address. */
  rememberAddress(channelId: string, authorKey: string, keys: NetworkKeys): Promise<void>;
  addressOf(channelId: string, authorKey: string): Promise<NetworkKeys | null>;
  clearBan(channelId: string, authorKey: string): Promise<void>;
  pushRecent(channelId: string, message: ChatMessage): Promise<void>;
  removeRecent(channelId: string, ids: string[]): Promise<number>;
  purgeRecent(channelId: string, authorKey: string): Promise<number>;
  findRecent(channelId: string, id: string): Promise<ChatMessage | null>;
  pinned(channelId: string): Promise<ChatMessage | null>;
  setPinned(channelId: string, message: ChatMessage | null): Promise<void>;
  poll(channelId: string): Promise<OpenPoll | null>;
  setPoll(channelId: string, poll: OpenPoll | null): Promise<void>;
  /** One vote per voter key per poll, only while the poll is open. */
  vote(channelId: string, pollId: string, voterKey: string, option: number, now: number): Promise<VoteResult>;
  pollCounts(channelId: string, pollId: string, options: number): Promise<number[]>;
  /**
   * One reaction per emote per author per message; null when the message is not among the recent ones.
   * `added` is false when this author had already given this emote (the counts did not change).
   */
  react(channelId: string, messageId: string, emote: string, authorKey: string): Promise<{ counts: Record<string, number>; added: boolean } | null>;
  reactions(channelId: string, messageIds: string[]): Promise<Map<string, Record<string, number>>>;
  /** This node's local viewer count per room (0 removes the node's entry). */
  reportViewers(nodeId: string, counts: Array<[string, number]>, now: number): Promise<void>;
  /** Viewers of other nodes whose report is newer than `staleMs`. */
  otherViewers(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export const countsOf = (poll: OpenPoll, byOption: Record<string, number>): number[] => poll.options.map((_, i) => byOption[String(i)] ?? 0);
