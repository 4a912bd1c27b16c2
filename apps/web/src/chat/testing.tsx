import { DEFAULT_CHAT_SETTINGS, type ChatAuditEntry, type ChatBan, type ChatJoined, type ChatMessage, type ChatSettings, type ChatStats, type CreateChatBan, type CreatePoll, type HeldMessage, type Poll, type UpdateChatSettings } from '@onda/contracts';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ApiError, type Page } from '../api/client';
import { createI18n, type Language } from '../i18n/i18n';
import type { ChatApi } from './chat-api';
import type { ChatSocket } from './chat-client';
import { ChatServicesProvider, type ChatServices } from './chat-context';
import { memoryStore } from './chat-storage';

export const CHANNEL_ID = '00000000-0000-4000-8000-00000000c4a7';
let serial = 0;

/** A chat message from `nickname` (a viewer unless `role` says otherwise). */
export function makeMessage(text: string, overrides: Partial<ChatMessage> & { nickname?: string; role?: ChatMessage['author']['role'] } = {}): ChatMessage {
  serial += 1;
  const { nickname = 'viewer1', role = 'viewer', ...rest } = overrides;
  return {
    // Time-ordered like the server's UUIDv7 ids: later messages sort after earlier ones.
    id: `m${String(serial).padStart(6, '0')}`,
    channelId: CHANNEL_ID,
    kind: 'message',
    author: { key: `a:${nickname}`, nickname, role, registered: role !== 'viewer' },
    text,
    masked: false,
    createdAt: '2026-01-01T09:00:00.000Z',
    ...rest,
  };
}

export function makePoll(overrides: Partial<Poll> = {}): Poll {
  return {
    id: '00000000-0000-4000-8000-0000000000f1',
    channelId: CHANNEL_ID,
    question: 'Best snack?',
    options: [
      { label: 'Tteokbokki', votes: 3 },
      { label: 'Chips', votes: 1 },
    ],
    status: 'open',
    totalVotes: 4,
    createdAt: '2026-01-01T09:00:00.000Z',
    closesAt: null,
    closedAt: null,
    ...overrides,
  };
}

/** What a join answers for an anonymous viewer (`nickname: null`: one who has not picked a nickname yet), or a moderator with `canModerate`. */
export function makeJoined(overrides: Partial<ChatJoined> & { canModerate?: boolean; nickname?: string | null } = {}): ChatJoined {
  const { canModerate = false, nickname = 'viewer1', ...rest } = overrides;
  return {
    channelId: CHANNEL_ID,
    you: { key: `a:${nickname ?? 'device1'}`, nickname, role: canModerate ? 'owner' : 'viewer', registered: canModerate, canModerate, mutedUntil: null },
    history: [],
    pinned: null,
    poll: null,
    yourVote: null,
    mode: { slowModeSeconds: 0, registeredOnly: false },
    viewers: 1,
    ...rest,
  };
}

type Listener = (...args: never[]) => void;
type Responder = (payload: unknown) => unknown;

/**
 * A socket.io socket stand-in: records emits, answers them through `respond` (or leaves them pending), and lets
 * a test play the server (`serverEmit`, `drop`, `reconnect`).
 */
export class FakeSocket implements ChatSocket {
  connected = false;
  active = true;
  readonly emitted: Array<{ event: string; payload: unknown }> = [];
  readonly pending: Array<{ event: string; payload: unknown; ack: (response: unknown) => void }> = [];
  respond: Record<string, Responder> = {};
  private readonly listeners = new Map<string, Listener[]>();

  constructor(private readonly autoConnect = true) {}

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string, payload: unknown, ack: (response: unknown) => void): this {
    this.emitted.push({ event, payload });
    const responder = this.respond[event];
    if (responder) ack(responder(payload));
    else this.pending.push({ event, payload, ack });
    return this;
  }

  connect(): this {
    if (this.autoConnect && !this.connected) {
      this.connected = true;
      this.fire('connect');
    }
    return this;
  }

  disconnect(): this {
    this.connected = false;
    return this;
  }

  /** The server pushes an event (a frame, the viewer count). */
  serverEmit(event: string, payload: unknown): void {
    this.fire(event, payload);
  }

  /** The connection drops (socket.io then retries by itself). */
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  /** socket.io got the connection back (a new session on the server: the client has to join again). */
  reconnect(): void {
    this.connected = true;
    this.fire('connect');
  }

  emittedOf(event: string): unknown[] {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }
}

export const ok = (data: unknown) => ({ ok: true, data });
export const refused = (code: string, detail: string, retryAfterMs?: number) => ({ ok: false, error: { code, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } });

/** An in-memory ChatApi that records every call as `"<method> <args>"`. */
export class FakeChatApi implements ChatApi {
  calls: string[] = [];
  settings: ChatSettings = { ...DEFAULT_CHAT_SETTINGS };
  held: HeldMessage[] = [];
  bans: ChatBan[] = [];
  polls: Poll[] = [];
  audit: ChatAuditEntry[] = [];
  stats: ChatStats | null = null;
  failWith: Error | null = null;

  private log(call: string): void {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }
  async getSettings(): Promise<ChatSettings> {
    return this.settings;
  }
  async updateSettings(channel: string, body: UpdateChatSettings): Promise<ChatSettings> {
    this.log(`updateSettings ${channel} ${JSON.stringify(body)}`);
    this.settings = { ...this.settings, ...body };
    return this.settings;
  }
  async listMessages(): Promise<Page<ChatMessage>> {
    return { items: [], nextCursor: null };
  }
  async deleteMessage(channel: string, messageId: string): Promise<void> {
    this.log(`deleteMessage ${channel} ${messageId}`);
  }
  async listHeld(): Promise<HeldMessage[]> {
    return this.held;
  }
  async approveHeld(channel: string, id: string): Promise<void> {
    this.log(`approveHeld ${channel} ${id}`);
    this.held = this.held.filter((m) => m.id !== id);
  }
  async rejectHeld(channel: string, id: string): Promise<void> {
    this.log(`rejectHeld ${channel} ${id}`);
    this.held = this.held.filter((m) => m.id !== id);
  }
  async listBans(): Promise<ChatBan[]> {
    return this.bans;
  }
  async ban(channel: string, body: CreateChatBan): Promise<ChatBan> {
    this.log(`ban ${channel} ${JSON.stringify(body)}`);
    const ban: ChatBan = {
      id: `00000000-0000-4000-8000-${String(this.bans.length + 1).padStart(12, '0')}`,
      channelId: CHANNEL_ID,
      scope: body.scope ?? 'author',
      // As the API: an address or subnet ban shows an opaque label, never the address.
      authorKey: body.scope === 'address' ? `addr:${body.authorKey.slice(2, 10)}` : body.scope === 'subnet' ? `subnet:${body.authorKey.slice(2, 10)}` : body.authorKey,
      nickname: null,
      reason: body.reason ?? null,
      expiresAt: body.durationSeconds ? new Date(Date.now() + body.durationSeconds * 1000).toISOString() : null,
      createdBy: 'admin@example.com',
      createdAt: new Date().toISOString(),
    };
    this.bans = [...this.bans, ban];
    return ban;
  }
  async unban(channel: string, banId: string): Promise<void> {
    this.log(`unban ${channel} ${banId}`);
    this.bans = this.bans.filter((b) => b.id !== banId);
  }
  async pin(channel: string, messageId: string | null): Promise<void> {
    this.log(`pin ${channel} ${messageId}`);
  }
  async announce(channel: string, text: string): Promise<void> {
    this.log(`announce ${channel} ${text}`);
  }
  async listPolls(): Promise<Poll[]> {
    return this.polls;
  }
  async createPoll(channel: string, body: CreatePoll): Promise<Poll> {
    this.log(`createPoll ${channel} ${JSON.stringify(body)}`);
    const poll = makePoll({ id: `00000000-0000-4000-8000-${String(this.polls.length + 100).padStart(12, '0')}`, question: body.question, options: body.options.map((label) => ({ label, votes: 0 })), totalVotes: 0 });
    this.polls = [poll, ...this.polls.map((p) => ({ ...p, status: 'closed' as const }))];
    return poll;
  }
  async closePoll(channel: string, pollId: string): Promise<Poll> {
    this.log(`closePoll ${channel} ${pollId}`);
    this.polls = this.polls.map((p) => (p.id === pollId ? { ...p, status: 'closed' as const } : p));
    const poll = this.polls.find((p) => p.id === pollId);
    if (!poll) throw new ApiError('not_found', 404, 'no poll');
    return poll;
  }
  async listAudit(): Promise<Page<ChatAuditEntry>> {
    return { items: this.audit, nextCursor: null };
  }
  async getStats(): Promise<ChatStats> {
    if (!this.stats) throw new ApiError('not_found', 404, 'no stats');
    return this.stats;
  }
}

/** Services whose socket never connects: pages render their chat as "connecting" and touch no network. */
export function inertChatServices(): ChatServices {
  return { api: new FakeChatApi(), connect: () => new FakeSocket(false), store: memoryStore() };
}

/** Services around one FakeSocket the test drives. */
export function fakeChatServices(socket = new FakeSocket(), api = new FakeChatApi()): ChatServices & { socket: FakeSocket; api: FakeChatApi } {
  return { api, socket, connect: () => socket, store: memoryStore() };
}

/** Renders `ui` with translations and the given chat services. */
export function renderWithChat(ui: ReactNode, services: ChatServices, language: Language = 'en') {
  const i18n = createI18n(language);
  const result = render(
    <I18nextProvider i18n={i18n}>
      <ChatServicesProvider services={services}>{ui}</ChatServicesProvider>
    </I18nextProvider>,
  );
  return { ...result, i18n };
}
