import {
  CHAT_MESSAGE_MAX_LENGTH,
  ChatAuthorSchema,
  ChatClientEvents,
  ChatErrorSchema,
  ChatItemSchema,
  ChatJoinedSchema,
  ChatLanguageSetSchema,
  ChatReactedSchema,
  ChatSentSchema,
  ChatServerEvents,
  ChatViewersSchema,
  PollSchema,
  type ChatEmotes,
  type ChatError,
  type ChatItem,
  type ChatLanguage,
} from '@onda/contracts';
import { applyItems, initialChatState, joinedState, withTranslations, type ChatState } from './chat-state';
import { errorFeedback, isWait, sentFeedback, visibleLength, type SendFeedback } from './chat-feedback';
import { checkNickname, deviceId, storedDeviceToken, storedNickname, storedTranslateTo, storeDeviceToken, storeNickname, storeTranslateTo, type KeyValueStore, type NicknameProblem } from './chat-storage';

/** The part of a socket.io client socket the chat uses (tests pass a fake). */
export interface ChatSocket {
  readonly connected: boolean;
  /** False once socket.io gave up reconnecting by itself (server-side disconnect or a refused handshake). */
  readonly active?: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, payload: unknown, ack: (response: unknown) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

/** Opens (lazily) the `/chat` socket with the device id in the handshake. */
export type ChatSocketFactory = (deviceId: string, deviceToken?: () => string | null) => ChatSocket;

/** The whole snapshot the UI renders. */
export interface ChatSnapshot extends ChatState {
  /** The last thing to tell the viewer about sending (null: nothing). */
  feedback: SendFeedback | null;
  /** Why the nickname prompt refused, or the server rejected (`taken`) or could not take (`failed`) the last nickname. */
  nicknameError: NicknameProblem | 'taken' | 'failed' | null;
}

export interface ChatClientOptions {
  channel: string;
  connect: ChatSocketFactory;
  store: KeyValueStore;
  now?: () => number;
  /** An unanswered event counts as failed after this long. */
  ackTimeoutMs?: number;
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: ChatError };

/** Ids of the newest messages on screen a re-join lists (see ChatJoin `recent`). */
const REJOIN_RECENT = 20;

const ServerKickRetryMs = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Owns one channel's chat socket: joins, sends, votes and reacts (acks mapped to UI feedback), folds server
 * frames into a bounded state and exposes it as a store (`subscribe` + `getSnapshot`). Components never emit.
 * An anonymous viewer joins at once, without a nickname unless one is remembered, and reads the room; the nickname
 * they pick later is applied over the same socket. Every (re)connect joins again, after a drop with `since` so only
 * the missed messages come back (socket.io connection-state recovery is not used).
 */
export class ChatClient {
  private socket: ChatSocket | null = null;
  private snapshot: ChatSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly ackTimeoutMs: number;
  private nickname: string | null;
  private kicks = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: ChatClientOptions) {
    this.now = options.now ?? Date.now;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.nickname = storedNickname(options.store);
    this.snapshot = { ...initialChatState, translateTo: storedTranslateTo(options.store), feedback: null, nicknameError: null };
  }

  get channel(): string {
    return this.options.channel;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatSnapshot => this.snapshot;

  /** Opens the socket and joins; call once. */
  start(): void {
    if (this.socket) return;
    const socket = this.options.connect(deviceId(this.options.store), () => storedDeviceToken(this.options.store));
    this.socket = socket;
    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason));
    socket.on('connect_error', (error: Error & { data?: unknown }) => this.onConnectError(error));
    socket.on(ChatServerEvents.frame, (frame: unknown) => this.onFrame(frame));
    socket.on(ChatServerEvents.viewers, (payload: unknown) => {
      const parsed = ChatViewersSchema.safeParse(payload);
      if (parsed.success) this.update({ viewers: parsed.data.count });
    });
    socket.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
  }

  /**
   * Validates and remembers the nickname; in the room it takes effect at once over the socket (no re-join), otherwise
   * the next join carries it. Resolves false (with `nicknameError`) when refused.
   */
  async chooseNickname(raw: string): Promise<boolean> {
    const checked = checkNickname(raw);
    if (!checked.ok) {
      this.update({ nicknameError: checked.problem });
      return false;
    }
    this.nickname = checked.nickname;
    storeNickname(this.options.store, checked.nickname);
    this.update({ nicknameError: null });
    if (this.snapshot.status !== 'joined') return true;
    return this.applyNickname(checked.nickname);
  }

  /** Sends a message; resolves true when the server took it (the input then clears). */
  async send(raw: string): Promise<boolean> {
    const text = raw.trim();
    if (!text) return false;
    const state = this.snapshot;
    if (isWait(state.feedback, this.now())) return false;
    if (state.status !== 'joined') return this.fail({ kind: 'offline' });
    if (visibleLength(text) > CHAT_MESSAGE_MAX_LENGTH) return this.fail({ kind: 'too-long' });
    const ack = await this.request(ChatClientEvents.send, { text });
    if (!ack.ok) return this.fail(errorFeedback(ack.error, this.snapshot.mode, this.now()));
    const sent = ChatSentSchema.safeParse(ack.data);
    let feedback = sent.success ? sentFeedback(sent.data) : null;
    const { mode, you } = this.snapshot;
    if (!feedback && mode.slowModeSeconds > 0 && !you?.canModerate) {
      // Counting down locally saves a refused send; the server enforces it either way.
      feedback = { kind: 'slow-mode', until: this.now() + mode.slowModeSeconds * 1000 };
    }
    this.update({ feedback });
    return true;
  }

  /** Votes in the open poll; the chosen option shows at once, results arrive as a frame. */
  async vote(pollId: string, option: number): Promise<boolean> {
    const ack = await this.request(ChatClientEvents.vote, { pollId, option });
    if (!ack.ok) return this.fail(errorFeedback(ack.error, this.snapshot.mode, this.now()));
    const poll = PollSchema.safeParse(ack.data);
    this.update({ yourVote: option, ...(poll.success && poll.data.id === this.snapshot.poll?.id ? { poll: poll.data } : {}) });
    return true;
  }

  async react(messageId: string, emote: (typeof ChatEmotes)[number]): Promise<boolean> {
    const ack = await this.request(ChatClientEvents.react, { messageId, emote });
    if (!ack.ok) return this.fail(errorFeedback(ack.error, this.snapshot.mode, this.now()));
    const reacted = ChatReactedSchema.safeParse(ack.data);
    if (reacted.success) this.applyLocal([{ type: 'reactions', ...reacted.data }]);
    return true;
  }

  /**
   * Picks the language chat is translated into for this viewer (null: none), remembered in this browser. In the room it
   * takes effect at once (the answer brings the known translations of recent messages, the rest follow in frames);
   * otherwise the next join carries it.
   */
  async setLanguage(lang: ChatLanguage | null): Promise<void> {
    storeTranslateTo(this.options.store, lang);
    if (lang === this.snapshot.translateTo) return;
    this.update({ translateTo: lang, translations: {} });
    if (this.snapshot.status !== 'joined' || !this.snapshot.translation.enabled) return;
    const ack = await this.request(ChatClientEvents.language, { lang });
    const set = ack.ok ? ChatLanguageSetSchema.safeParse(ack.data) : null;
    // Another pick may have come meanwhile: only the answer for the language still picked counts.
    if (set?.success && set.data.lang === this.snapshot.translateTo) this.setState(withTranslations(this.snapshot, set.data.translations) as ChatSnapshot);
  }

  /** Forgets the feedback line (the viewer dismissed it, or its countdown ran out). */
  clearFeedback(): void {
    if (this.snapshot.feedback) this.update({ feedback: null });
  }

  /** Applies frame items as if the server had sent them (the console uses it after its own REST actions). */
  applyLocal(items: ChatItem[]): void {
    this.setState(applyItems(this.snapshot, items) as ChatSnapshot);
  }

  /** Tries again after a refused join or a server-side disconnect. */
  retry(): void {
    if (!this.socket) return;
    if (this.socket.connected) void this.join();
    else this.socket.connect();
  }

  private onConnect(): void {
    this.kicks = 0;
    // A reconnected socket is a new session on the server, outside the room: join again (with `since`).
    void this.join();
  }

  private onDisconnect(reason: string): void {
    if (this.stopped) return;
    this.update({ status: 'reconnecting' });
    // socket.io does not reconnect by itself after a server-side disconnect (a restart, a dropped slow consumer).
    if (reason === 'io server disconnect') this.scheduleRetry();
  }

  private onConnectError(error: Error & { data?: unknown }): void {
    if (this.stopped) return;
    if (this.socket && this.socket.active === false) {
      // The server refused the handshake (too many connections from this address...): say so, and retry later.
      const refusal = ChatErrorSchema.safeParse(error.data);
      this.update({ status: 'failed', joinError: refusal.success ? refusal.data : { code: 'unavailable', detail: error.message } });
      this.scheduleRetry();
    } else if (this.snapshot.status !== 'connecting') {
      this.update({ status: 'reconnecting' });
    }
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    const delay = ServerKickRetryMs[Math.min(this.kicks, ServerKickRetryMs.length - 1)]!;
    this.kicks += 1;
    this.retryTimer = setTimeout(() => this.socket?.connect(), delay);
  }

  private async join(): Promise<void> {
    this.update({ status: 'joining' });
    const nickname = this.nickname;
    // A re-join asks only for what was missed since the newest message on screen, listing the last few it holds
    // (messages through other servers can come slightly out of order: one older than the newest may be missing).
    const held = this.snapshot.you ? this.snapshot.messages.slice(-REJOIN_RECENT).map((m) => m.id) : [];
    const since = held.length ? held.reduce((a, b) => (b > a ? b : a)) : undefined;
    const replay = since ? { since, recent: held } : {};
    const lang = this.snapshot.translateTo;
    const ack = await this.request(ChatClientEvents.join, { channel: this.options.channel, ...(nickname ? { nickname } : {}), ...replay, ...(lang ? { lang } : {}) });
    if (!ack.ok) {
      const { code, detail } = ack.error;
      if (nickname && code === 'conflict') {
        // The remembered nickname is reserved here: read the room without one, and say why on the nickname form.
        this.nickname = null;
        this.update({ nicknameError: 'taken' });
        return this.join();
      }
      this.update({ status: 'failed', joinError: { code, detail } });
      return;
    }
    const joined = ChatJoinedSchema.safeParse(ack.data);
    if (!joined.success) {
      this.update({ status: 'failed', joinError: { code: 'bad_response', detail: joined.error.message } });
      return;
    }
    const next = joinedState(this.snapshot, joined.data, since);
    const { you } = joined.data;
    // The server's anonymous identity for this browser: kept, and sent on every later connection.
    if (you.deviceToken) storeDeviceToken(this.options.store, you.deviceToken);
    const mutedUntil = you.mutedUntil ? Date.parse(you.mutedUntil) : NaN;
    const feedback: SendFeedback | null = you.banned
      ? { kind: 'banned' }
      : mutedUntil > this.now()
        ? { kind: 'timed-out', until: mutedUntil }
        : this.snapshot.feedback?.kind === 'banned'
          ? null
          : this.snapshot.feedback;
    this.setState({ ...next, feedback, nicknameError: you.nickname === null ? this.snapshot.nicknameError : null });
    // A nickname picked while the join was on its way.
    if (!you.registered && this.nickname && you.nickname !== this.nickname) void this.applyNickname(this.nickname);
  }

  private async applyNickname(nickname: string): Promise<boolean> {
    const ack = await this.request(ChatClientEvents.nickname, { nickname });
    const author = ack.ok ? ChatAuthorSchema.safeParse(ack.data) : null;
    if (!author?.success) {
      const taken = !ack.ok && (ack.error.code === 'conflict' || ack.error.code === 'validation_failed');
      // A refused nickname is forgotten (the next join reads without it); one that did not get through is kept for it.
      if (taken) this.nickname = null;
      this.update({ nicknameError: taken ? 'taken' : 'failed' });
      return false;
    }
    const { you } = this.snapshot;
    if (you) this.update({ you: { ...you, ...author.data }, nicknameError: null });
    return true;
  }

  private onFrame(frame: unknown): void {
    const items = (frame as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) return;
    // Each item on its own: one malformed item does not cost the viewer the rest of the frame.
    const valid: ChatItem[] = [];
    for (const item of items) {
      const parsed = ChatItemSchema.safeParse(item);
      if (parsed.success) valid.push(parsed.data);
    }
    if (valid.length) this.applyLocal(valid);
  }

  private request(event: string, payload: unknown): Promise<Ack<unknown>> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: { code: 'unavailable', detail: 'not connected' } });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, error: { code: 'unavailable', detail: 'no answer' } }), this.ackTimeoutMs);
      socket.emit(event, payload, (response: unknown) => {
        clearTimeout(timer);
        resolve(parseAck(response));
      });
    });
  }

  private fail(feedback: SendFeedback): false {
    this.update({ feedback });
    return false;
  }

  private update(patch: Partial<ChatSnapshot>): void {
    this.setState({ ...this.snapshot, ...patch });
  }

  private setState(next: ChatSnapshot): void {
    if (next === this.snapshot) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

function parseAck(response: unknown): Ack<unknown> {
  const value = response as { ok?: unknown; data?: unknown; error?: unknown } | null;
  if (value?.ok === true) return { ok: true, data: value.data };
  const error = ChatErrorSchema.safeParse(value?.error);
  return { ok: false, error: error.success ? error.data : { code: 'internal', detail: 'malformed answer' } };
}
