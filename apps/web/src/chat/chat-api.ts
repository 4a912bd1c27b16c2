import {
  ChatAuditEntrySchema,
  ChatBanSchema,
  ChatMessageSchema,
  ChatSettingsSchema,
  ChatStatsSchema,
  HeldMessageSchema,
  PollSchema,
  type ChatAuditEntry,
  type ChatBan,
  type ChatMessage,
  type ChatSettings,
  type ChatStats,
  type CreateChatBan,
  type CreatePoll,
  type HeldMessage,
  type Poll,
  type UpdateChatSettings,
} from '@onda/contracts';
import { ApiClient, type Page, type ParseSchema } from '../api/client';

/** Chat moderation, polls and stats over REST (`/v1/channels/:idOrSlug/chat/...`); the console and inline moderator actions use it. */
export interface ChatApi {
  getSettings(channel: string, signal?: AbortSignal): Promise<ChatSettings>;
  updateSettings(channel: string, body: UpdateChatSettings): Promise<ChatSettings>;
  listMessages(channel: string, cursor?: string, signal?: AbortSignal): Promise<Page<ChatMessage>>;
  deleteMessage(channel: string, messageId: string): Promise<void>;
  listHeld(channel: string, signal?: AbortSignal): Promise<HeldMessage[]>;
  approveHeld(channel: string, messageId: string): Promise<void>;
  rejectHeld(channel: string, messageId: string): Promise<void>;
  listBans(channel: string, signal?: AbortSignal): Promise<ChatBan[]>;
  ban(channel: string, body: CreateChatBan): Promise<ChatBan>;
  unban(channel: string, banId: string): Promise<void>;
  pin(channel: string, messageId: string | null): Promise<void>;
  announce(channel: string, text: string): Promise<void>;
  listPolls(channel: string, signal?: AbortSignal): Promise<Poll[]>;
  createPoll(channel: string, body: CreatePoll): Promise<Poll>;
  closePoll(channel: string, pollId: string): Promise<Poll>;
  listAudit(channel: string, cursor?: string, signal?: AbortSignal): Promise<Page<ChatAuditEntry>>;
  getStats(channel: string, sessionId?: string, signal?: AbortSignal): Promise<ChatStats>;
}

/** Lists answer `{ items, nextCursor? }` (unpaginated ones leave the cursor out); every item is checked. */
function listOf<T>(item: ParseSchema<T>): ParseSchema<Page<T>> {
  return {
    safeParse(data) {
      const body = data as { items?: unknown; nextCursor?: unknown } | null;
      if (!Array.isArray(body?.items)) return { success: false, error: { message: 'expected { items: [...] }' } };
      const items: T[] = [];
      for (const raw of body.items) {
        const parsed = item.safeParse(raw);
        if (!parsed.success) return parsed;
        items.push(parsed.data);
      }
      return { success: true, data: { items, nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : null } };
    },
  };
}
const MessagePageSchema = listOf(ChatMessageSchema);
const AuditPageSchema = listOf(ChatAuditEntrySchema);
const HeldListSchema = listOf(HeldMessageSchema);
const BanListSchema = listOf(ChatBanSchema);
const PollListSchema = listOf(PollSchema);

const enc = encodeURIComponent;

/** The REST client for chat; shares ApiClient's fetch, cookie and problem+json handling. */
export class ChatRestClient extends ApiClient implements ChatApi {
  private base(channel: string): string {
    return `/v1/channels/${enc(channel)}/chat`;
  }

  getSettings(channel: string, signal?: AbortSignal): Promise<ChatSettings> {
    return this.request('GET', `${this.base(channel)}/settings`, ChatSettingsSchema, { signal });
  }

  updateSettings(channel: string, body: UpdateChatSettings): Promise<ChatSettings> {
    return this.request('PATCH', `${this.base(channel)}/settings`, ChatSettingsSchema, { body });
  }

  listMessages(channel: string, cursor?: string, signal?: AbortSignal): Promise<Page<ChatMessage>> {
    const query = cursor ? `?cursor=${enc(cursor)}` : '';
    return this.request('GET', `${this.base(channel)}/messages${query}`, MessagePageSchema, { signal });
  }

  deleteMessage(channel: string, messageId: string): Promise<void> {
    return this.request('DELETE', `${this.base(channel)}/messages/${enc(messageId)}`, null);
  }

  async listHeld(channel: string, signal?: AbortSignal): Promise<HeldMessage[]> {
    return (await this.request('GET', `${this.base(channel)}/held`, HeldListSchema, { signal })).items;
  }

  approveHeld(channel: string, messageId: string): Promise<void> {
    return this.request('POST', `${this.base(channel)}/held/${enc(messageId)}/approve`, null);
  }

  rejectHeld(channel: string, messageId: string): Promise<void> {
    return this.request('POST', `${this.base(channel)}/held/${enc(messageId)}/reject`, null);
  }

  async listBans(channel: string, signal?: AbortSignal): Promise<ChatBan[]> {
    return (await this.request('GET', `${this.base(channel)}/bans`, BanListSchema, { signal })).items;
  }

  ban(channel: string, body: CreateChatBan): Promise<ChatBan> {
    return this.request('POST', `${this.base(channel)}/bans`, ChatBanSchema, { body });
  }

  unban(channel: string, banId: string): Promise<void> {
    return this.request('DELETE', `${this.base(channel)}/bans/${enc(banId)}`, null);
  }

  pin(channel: string, messageId: string | null): Promise<void> {
    return this.request('PUT', `${this.base(channel)}/pin`, null, { body: { messageId } });
  }

  announce(channel: string, text: string): Promise<void> {
    return this.request('POST', `${this.base(channel)}/announcements`, null, { body: { text } });
  }

  async listPolls(channel: string, signal?: AbortSignal): Promise<Poll[]> {
    return (await this.request('GET', `${this.base(channel)}/polls`, PollListSchema, { signal })).items;
  }

  createPoll(channel: string, body: CreatePoll): Promise<Poll> {
    return this.request('POST', `${this.base(channel)}/polls`, PollSchema, { body });
  }

  closePoll(channel: string, pollId: string): Promise<Poll> {
    return this.request('POST', `${this.base(channel)}/polls/${enc(pollId)}/close`, PollSchema);
  }

  listAudit(channel: string, cursor?: string, signal?: AbortSignal): Promise<Page<ChatAuditEntry>> {
    const query = cursor ? `?cursor=${enc(cursor)}` : '';
    return this.request('GET', `${this.base(channel)}/audit${query}`, AuditPageSchema, { signal });
  }

  getStats(channel: string, sessionId?: string, signal?: AbortSignal): Promise<ChatStats> {
    const query = sessionId ? `?session=${enc(sessionId)}` : '';
    return this.request('GET', `${this.base(channel)}/stats${query}`, ChatStatsSchema, { signal });
  }
}
