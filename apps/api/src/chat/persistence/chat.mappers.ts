import { DEFAULT_CHAT_SETTINGS, type ChatAuditEntry, type ChatBan, type ChatMessage, type ChatRole, type ChatSettings, type HeldMessage, type Poll } from '@onda/contracts';
import type { ChatAuditRecord as AuditRow, ChatBanRecord as BanRow, ChatPollRecord as PollRow } from './chat-moderation.repository.js';
import type { ChatMessageRecord as MessageRow, ChatRoomRecord as RoomRow, MessageInsert } from './chat.repository.js';
import type { OpenPoll } from '../state/chat.store.js';

/**
 * A message as viewers see it. Built with `id` first and `author.key` first in its object: the Redis
 * store matches stored JSON by those prefixes.
 */
export function messageDto(row: Pick<MessageRow, 'id' | 'channelId' | 'kind' | 'authorKey' | 'nickname' | 'role' | 'registered' | 'text' | 'masked' | 'createdAt'>): ChatMessage {
  return {
    id: row.id,
    channelId: row.channelId,
    kind: row.kind,
    author: { key: row.authorKey, nickname: row.nickname, role: row.role as ChatRole, registered: row.registered },
    text: row.text,
    masked: row.masked,
    createdAt: row.createdAt.toISOString(),
  };
}

export const heldDto = (row: MessageRow): HeldMessage => ({ ...messageDto(row), reasons: row.hits });

/** The row of a message accepted now (all outcomes are stored, for statistics). */
export function messageRow(message: ChatMessage, outcome: MessageRow['outcome'], hits: string[], liveSessionId: string | null): MessageInsert {
  return {
    id: message.id,
    channelId: message.channelId,
    liveSessionId,
    kind: message.kind,
    authorKey: message.author.key,
    nickname: message.author.nickname,
    role: message.author.role,
    registered: message.author.registered,
    text: message.text,
    masked: message.masked,
    outcome,
    hits,
    createdAt: new Date(message.createdAt),
  };
}

export function settingsDto(row: RoomRow | null): ChatSettings {
  if (!row) return DEFAULT_CHAT_SETTINGS;
  return {
    slowModeSeconds: row.slowModeSeconds,
    registeredOnly: row.registeredOnly,
    blockedWords: row.blockedWords,
    blockedPatterns: row.blockedPatterns,
    blockedWordsAction: row.blockedWordsAction as ChatSettings['blockedWordsAction'],
    profanity: row.profanity as ChatSettings['profanity'],
    linkPolicy: row.linkPolicy as ChatSettings['linkPolicy'],
    classifier: (row.classifier as ChatSettings['classifier']) ?? null,
  };
}

export const banDto = (row: BanRow): ChatBan => ({
  id: row.id,
  channelId: row.channelId,
  scope: row.authorKey.startsWith('addr:') ? 'address' : row.authorKey.startsWith('subnet:') ? 'subnet' : 'author',
  authorKey: row.authorKey,
  nickname: row.nickname,
  reason: row.reason,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

export const openPoll = (row: PollRow): OpenPoll => ({
  id: row.id,
  channelId: row.channelId,
  question: row.question,
  options: row.options,
  createdAt: row.createdAt.toISOString(),
  closesAt: row.closesAt?.toISOString() ?? null,
  closesAtMs: row.closesAt?.getTime() ?? 0,
});

export function pollDto(poll: OpenPoll, counts: number[], closedAt: string | null = null): Poll {
  const votes = poll.options.map((_, i) => counts[i] ?? 0);
  return {
    id: poll.id,
    channelId: poll.channelId,
    question: poll.question,
    options: poll.options.map((label, i) => ({ label, votes: votes[i]! })),
    status: closedAt ? 'closed' : 'open',
    totalVotes: votes.reduce((a, b) => a + b, 0),
    createdAt: poll.createdAt,
    closesAt: poll.closesAt,
    closedAt,
  };
}

export const closedPollDto = (row: PollRow): Poll => pollDto(openPoll(row), row.results, (row.closedAt ?? row.createdAt).toISOString());

export const auditDto = (row: AuditRow): ChatAuditEntry => ({
  id: row.id,
  channelId: row.channelId,
  actor: row.actor,
  action: row.action,
  target: row.target,
  detail: (row.detail ?? {}) as Record<string, unknown>,
  createdAt: row.createdAt.toISOString(),
});
