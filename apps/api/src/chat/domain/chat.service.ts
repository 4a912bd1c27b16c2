import { Inject, Injectable } from '@nestjs/common';
import {
  CHAT_HISTORY_SIZE,
  CHAT_MESSAGE_MAX_LENGTH,
  ChatJoinSchema,
  ChatNicknameSchema,
  ChatReactSchema,
  ChatSendSchema,
  ChatSetLanguageSchema,
  ChatVoteSchema,
  type ChatAuthor,
  type ChatJoined,
  type ChatLanguage,
  type ChatLanguageSet,
  type ChatMessage,
  type ChatReacted,
  type ChatSent,
  type Poll,
} from '@onda/contracts';
import type { z } from 'zod';
import { AppError } from '../../common/app-error.js';
import { ChatRefusal } from '../chat.errors.js';
import type { ChatIdentity } from './chat-identity.service.js';
import { ChatLiveUpdates } from '../transport/chat-live-updates.js';
import { messageRow, pollDto } from '../persistence/chat.mappers.js';
import { ChatRoomsService } from './chat-rooms.service.js';
import type { ChatOptions } from '../chat.options.js';
import { CHAT_FILTER, CHAT_OPTIONS, CHAT_STORE } from '../chat.tokens.js';
import { ChatWriter } from '../persistence/chat.writer.js';
import { ChatFanout } from '../transport/chat.fanout.js';
import type { ChatFilter } from './chat-filter.js';
import { ChatTranslation, type TranslatingConnection } from './chat-translation.js';
import type { ChatStore, GateVerdict, NetworkKeys } from '../state/chat.store.js';
import { anonymousKey, cleanText, codePoints, isReservedNickname, networkKeys, nicknameSkeleton } from './chat-text.js';
import { uuidv7 } from './uuid7.js';
import { detectLanguage } from '../../translation/detect-language.js';
import { API_OPTIONS, type ApiOptions } from '../../common/tokens.js';
import { StatsService } from '../../stats/stats.service.js';

/** A viewer's connection: who they are and, once joined, where and as whom. */
export interface ChatConnection extends TranslatingConnection {
  identity: ChatIdentity;
  joined: JoinedRoom | null;
  /** Send times (per-connection rate limit) and vote/react times. */
  sends: number[];
  events: number[];
  /** The connection's messages are handled one after another, so they reach the room in the order sent. */
  queue?: Promise<unknown>;
}

/** The viewer in a room; `nickname` is null for an anonymous viewer who only reads (and votes and reacts) so far. */
export type RoomAuthor = Omit<ChatAuthor, 'nickname'> & { nickname: string | null };

export interface JoinedRoom {
  channelId: string;
  ownerName: string;
  author: RoomAuthor;
  canModerate: boolean;
  /** A device token issued to this connection (anonymous viewers), handed over in the join ack. */
  deviceToken?: string;
  /** Ban keys of the connection's address and subnet: a moderator's address ban holds on them. */
  networkKeys: NetworkKeys;
}

/** A sliding-window log kept on the connection itself; answers how long to wait, 0 when the event fits. */
function slidingWindow(log: number[], now: number, limit: number, windowMs: number): number {
  while (log.length && log[0]! <= now - windowMs) log.shift();
  if (log.length >= limit) return log[0]! + windowMs - now;
  log.push(now);
  return 0;
}

const OUTCOME = { deliver: 'delivered', mask: 'masked', hold: 'held', drop: 'dropped' } as const;

function parse<S extends z.ZodTypeAny>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new AppError('validation_failed', result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
}

function refuse(verdict: Exclude<GateVerdict, { ok: true }>): never {
  switch (verdict.reason) {
    case 'banned':
      throw new ChatRefusal('forbidden', 'You are banned from this chat');
    case 'timeout':
      throw new ChatRefusal('forbidden', 'You are timed out', verdict.retryAfterMs);
    case 'registered_only':
      throw new ChatRefusal('forbidden', 'Only signed-in viewers may chat now');
    case 'slow_mode':
      throw new ChatRefusal('rate_limited', 'Slow mode is on; wait before your next message', verdict.retryAfterMs);
    case 'rate_limited':
      throw new ChatRefusal('rate_limited', 'You are sending messages too fast', verdict.retryAfterMs);
    default:
      throw new ChatRefusal('unavailable', 'The chat room is not ready; try again');
  }
}

function assertFreeNickname(nickname: string, ownerName: string): void {
  if (isReservedNickname(nickname)) throw new AppError('conflict', `The nickname "${nickname}" is reserved`);
  // Nobody anonymous passes for the channel's owner (finding 15), look-alike spellings included.
  if (nicknameSkeleton(nickname) === nicknameSkeleton(ownerName)) throw new AppError('conflict', `The nickname "${nickname}" is the channel owner's name`);
}

/** A re-join's replay point: the newest id the client holds, and every recent id it holds (`newest` among them). */
export interface ReplayFrom {
  newest: string;
  held: Set<string>;
}

/** What a re-joining client missed: newer than the oldest id it listed, and not one it holds. */
function missed(messages: ChatMessage[], from: ReplayFrom): ChatMessage[] {
  let floor = from.newest;
  for (const id of from.held) if (id < floor) floor = id;
  return messages.filter((m) => m.id > floor && !from.held.has(m.id));
}

/** What viewers do over the socket: join, pick a nickname, send, vote, react. */
@Injectable()
export class ChatService {
  constructor(
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly fanout: ChatFanout,
    private readonly writer: ChatWriter,
    @Inject(CHAT_FILTER) private readonly filter: ChatFilter,
    private readonly translation: ChatTranslation,
    @Inject(API_OPTIONS) private readonly apiOptions: ApiOptions,
    private readonly rooms: ChatRoomsService,
    private readonly live: ChatLiveUpdates,
    private readonly stats: StatsService,
  ) {}

  /** Resolves who the viewer is in the channel; the gateway then puts the socket in the room and calls `snapshot`. */
  async join(conn: ChatConnection, payload: unknown): Promise<{ room: JoinedRoom; since: ReplayFrom | undefined; lang: ChatLanguage | null }> {
    const body = parse(ChatJoinSchema, payload);
    this.eventLimit(conn);
    const channel = await this.rooms.channel(body.channel);
    const { user, scopes, deviceKey } = conn.identity;
    const role = await this.rooms.roleOf(channel, user);
    // A private room is for its staff, and only with a credential that may read the channel or moderate it: an
    // owner's token for webhooks alone does not read the private chat (as VOD reads need vods:read).
    const mayRead = scopes.includes('*') || scopes.includes('channels:read') || scopes.includes('chat:moderate');
    if (channel.visibility === 'private' && (role === 'viewer' || !mayRead)) throw new AppError('not_found', `No channel "${body.channel}"`);
    let author: RoomAuthor;
    if (user) {
      author = { key: `u:${user.id}`, nickname: user.displayName, role, registered: true };
    } else {
      // Without a nickname an anonymous viewer reads the room; `nickname` (or another join) lets them send later.
      if (body.nickname) assertFreeNickname(body.nickname, channel.ownerName);
      author = { key: anonymousKey(this.apiOptions.secret, channel.id, deviceKey), nickname: body.nickname ?? null, role, registered: false };
    }
    const canModerate = role !== 'viewer' && (scopes.includes('*') || scopes.includes('chat:moderate'));
    if (canModerate && role === 'admin' && user) await this.rooms.operatorAccess(channel.id, user.id, 'socket');
    const deviceToken = conn.identity.issuedDeviceToken;
    const network = networkKeys(this.apiOptions.secret, channel.id, conn.identity.ip);
    // Where this author is now, so a moderator can extend a ban to the address (kept a day, in Redis with several nodes).
    if (!canModerate) await this.store.rememberAddress(channel.id, author.key, network);
    const since = body.since ? { newest: body.since, held: new Set([body.since, ...(body.recent ?? [])]) } : undefined;
    return { room: { channelId: channel.id, ownerName: channel.ownerName, author, canModerate, networkKeys: network, ...(deviceToken ? { deviceToken } : {}) }, since, lang: body.lang ?? null };
  }

  /** The room as the viewer finds it; read after the socket joined the room, so nothing falls between history and frames. */
  async snapshot(room: JoinedRoom, since: ReplayFrom | undefined, otherViewers: number, localViewers: number, lang: ChatLanguage | null = null): Promise<ChatJoined> {
    const now = Date.now();
    let view = await this.store.view(room.channelId, room.author.key, now);
    if (!view) {
      await this.rooms.ensureLoaded(room.channelId);
      view = await this.store.view(room.channelId, room.author.key, now);
      if (!view) throw new ChatRefusal('unavailable', 'The chat room is not ready; try again');
    }
    const newest = view.recent.slice(0, CHAT_HISTORY_SIZE);
    const history = (since ? missed(newest, since) : newest).sort((a, b) => (a.id < b.id ? -1 : 1));
    const reactions = await this.store.reactions(room.channelId, history.map((m) => m.id));
    const { translation } = this;
    const translations = lang && translation.enabled ? await translation.known(room.channelId, lang, history) : null;
    return {
      channelId: room.channelId,
      you: { ...room.author, ...(room.deviceToken ? { deviceToken: room.deviceToken } : {}), canModerate: room.canModerate, mutedUntil: typeof view.ban === 'number' ? new Date(view.ban).toISOString() : null, banned: view.ban === null },
      history: history.map((m) => (reactions.has(m.id) ? { ...m, reactions: reactions.get(m.id)! } : m)),
      pinned: view.pinned,
      poll: view.poll ? pollDto(view.poll, view.pollCounts) : null,
      yourVote: view.vote,
      mode: { slowModeSeconds: view.settings.slowModeSeconds, registeredOnly: view.settings.registeredOnly },
      viewers: otherViewers + localViewers,
      translation: translation.info(),
      ...(translations ? { translations } : {}),
    };
  }

  /**
   * A viewer in a room picks the language chat is translated into for them (or none): counted from now on, and the
   * translations already known for the room's recent messages come in the answer (the rest follow as frame items).
   */
  async language(conn: ChatConnection, payload: unknown): Promise<ChatLanguageSet> {
    const room = this.joined(conn);
    const { lang } = parse(ChatSetLanguageSchema, payload);
    this.eventLimit(conn);
    const { translation } = this;
    if (lang && !translation.enabled) throw new AppError('unprocessable', 'Chat translation is off on this server');
    translation.setViewer(conn, room.channelId, lang);
    if (!lang) return { lang, translations: [] };
    const view = await this.store.view(room.channelId, room.author.key, Date.now());
    return { lang, translations: await translation.known(room.channelId, lang, (view?.recent ?? []).slice(0, CHAT_HISTORY_SIZE)) };
  }

  /** An anonymous viewer in a room picks or changes their nickname; the same person (author key) as before. */
  nickname(conn: ChatConnection, payload: unknown): ChatAuthor {
    const room = this.joined(conn);
    const { nickname } = parse(ChatNicknameSchema, payload);
    this.eventLimit(conn);
    if (room.author.registered) throw new AppError('conflict', 'Signed-in viewers chat with their account name');
    assertFreeNickname(nickname, room.ownerName);
    const author = { ...room.author, nickname };
    conn.joined = { ...room, author };
    return author;
  }

  send(conn: ChatConnection, payload: unknown): Promise<ChatSent> {
    const next = (conn.queue ?? Promise.resolve()).then(() => this.sendNow(conn, payload));
    conn.queue = next.catch(() => undefined);
    return next;
  }

  private async sendNow(conn: ChatConnection, payload: unknown): Promise<ChatSent> {
    const room = this.joined(conn);
    const { nickname } = room.author;
    if (nickname === null) throw new AppError('unprocessable', 'Pick a nickname to chat');
    const text = cleanText(parse(ChatSendSchema, payload).text);
    if (!text) throw new AppError('validation_failed', 'text: empty');
    if (codePoints(text) > CHAT_MESSAGE_MAX_LENGTH) throw new AppError('validation_failed', `text: at most ${CHAT_MESSAGE_MAX_LENGTH} characters`);
    const now = Date.now();
    const { perConnection, perAuthor } = this.options;
    const wait = slidingWindow(conn.sends, now, perConnection.limit, perConnection.windowMs);
    if (wait > 0) throw new ChatRefusal('rate_limited', 'You are sending messages too fast', wait);
    const author: ChatAuthor = { ...room.author, nickname };
    const networks = room.canModerate ? [] : [room.networkKeys.address, room.networkKeys.subnet];
    const request = { authorKey: author.key, registered: author.registered, moderator: room.canModerate, now, limit: perAuthor.limit, windowMs: perAuthor.windowMs, networkKeys: networks };
    let verdict = await this.store.gate(room.channelId, request);
    if (!verdict.ok && verdict.reason === 'unloaded') {
      await this.rooms.ensureLoaded(room.channelId);
      verdict = await this.store.gate(room.channelId, request);
    }
    if (!verdict.ok) refuse(verdict);
    const result = await this.filter.check(text, { channelId: room.channelId, authorKey: author.key, role: author.role, registered: author.registered, settings: verdict.settings, now });
    const outcome = OUTCOME[result.outcome];
    // The language travels with the message only where chat is translated (frames stay as they were otherwise).
    const lang = this.translation.enabled ? detectLanguage(result.text) : null;
    const message: ChatMessage = {
      id: uuidv7(now),
      channelId: room.channelId,
      kind: 'message',
      author,
      text: result.text,
      masked: outcome === 'masked',
      createdAt: new Date(now).toISOString(),
      ...(lang ? { lang } : {}),
    };
    const row = messageRow(message, outcome, result.hits, await this.rooms.liveSessionId(room.channelId));
    if (outcome === 'delivered' || outcome === 'masked') {
      await this.store.pushRecent(room.channelId, message);
      this.fanout.publish(room.channelId, [{ type: 'message', message }]);
      this.translation.offer(room.channelId, message);
    }
    // Every row goes through the batched writer (a delete or purge that overtakes it marks it there, like any other).
    this.writer.addMessage(row);
    // A held message is rare, and a moderator must find it in the queue at once: its batch is written before the ack.
    if (outcome === 'held') await this.writer.flush();
    return { id: message.id, outcome };
  }

  async vote(conn: ChatConnection, payload: unknown): Promise<Poll> {
    const room = this.joined(conn);
    const body = parse(ChatVoteSchema, payload);
    this.eventLimit(conn);
    const poll = await this.store.poll(room.channelId);
    if (!poll || poll.id !== body.pollId) throw new AppError('not_found', 'That poll is not open');
    const result = await this.store.vote(room.channelId, poll.id, room.author.key, body.option, Date.now());
    if (result.status === 'closed') throw new AppError('conflict', 'That poll is closed');
    if (result.status === 'invalid') throw new AppError('validation_failed', `option: this poll has ${poll.options.length} options`);
    if (result.status === 'duplicate') throw new AppError('conflict', 'You already voted in this poll');
    this.writer.addVote({ pollId: poll.id, voterKey: room.author.key, option: body.option });
    this.live.pollChanged(room.channelId);
    return pollDto(poll, result.counts);
  }

  async react(conn: ChatConnection, payload: unknown): Promise<ChatReacted> {
    const room = this.joined(conn);
    const body = parse(ChatReactSchema, payload);
    this.eventLimit(conn);
    const reacted = await this.store.react(room.channelId, body.messageId, body.emote, room.author.key);
    if (!reacted) throw new AppError('not_found', 'No such recent message');
    this.live.reactionsChanged(room.channelId, body.messageId);
    if (reacted.added) {
      // The broadcast's reaction timeline (statistics) counts each viewer's emote once.
      const liveSessionId = await this.rooms.liveSessionId(room.channelId);
      if (liveSessionId) await this.stats.countReaction(liveSessionId);
    }
    return { messageId: body.messageId, reactions: reacted.counts };
  }

  private joined(conn: ChatConnection): JoinedRoom {
    if (!conn.joined) throw new AppError('conflict', 'Join a channel first');
    return conn.joined;
  }

  private eventLimit(conn: ChatConnection): void {
    const { limit, windowMs } = this.options.perConnectionEvents;
    const wait = slidingWindow(conn.events, Date.now(), limit, windowMs);
    if (wait > 0) throw new ChatRefusal('rate_limited', 'Too many joins, votes or reactions', wait);
  }
}
