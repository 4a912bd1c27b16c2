import { Inject, Injectable } from '@nestjs/common';
import type { ChannelVisibility, ChatSettings } from '@onda/contracts';
import { Prisma, type ChatMessage, type ChatRoom, type PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../../common/cursor.js';
import { PRISMA } from '../../common/tokens.js';

/** A stored chat message (with its outcome, filter hits and review). */
export interface ChatMessageRecord {
  id: string;
  channelId: string;
  liveSessionId: string | null;
  kind: 'message' | 'announcement';
  authorKey: string;
  nickname: string;
  role: string;
  registered: boolean;
  text: string;
  masked: boolean;
  outcome: 'delivered' | 'masked' | 'held' | 'dropped';
  /** The filter rules it hit. */
  hits: string[];
  createdAt: Date;
  deletedAt: Date | null;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  approved: boolean | null;
}
type MessageRow = ChatMessageRecord;

/** A room's stored settings (the text columns hold the contracts' values; `classifier` is stored JSON). */
export interface ChatRoomRecord {
  channelId: string;
  slowModeSeconds: number;
  registeredOnly: boolean;
  blockedWords: string[];
  blockedPatterns: string[];
  blockedWordsAction: string;
  profanity: string;
  linkPolicy: string;
  classifier: unknown;
  pinnedMessageId: string | null;
  updatedAt: Date;
}

const toMessage = (m: ChatMessage): ChatMessageRecord => ({
  id: m.id,
  channelId: m.channelId,
  liveSessionId: m.liveSessionId,
  kind: m.kind,
  authorKey: m.authorKey,
  nickname: m.nickname,
  role: m.role,
  registered: m.registered,
  text: m.text,
  masked: m.masked,
  outcome: m.outcome,
  hits: m.hits,
  createdAt: m.createdAt,
  deletedAt: m.deletedAt,
  reviewedAt: m.reviewedAt,
  reviewedBy: m.reviewedBy,
  approved: m.approved,
});
const toRoom = (r: ChatRoom): ChatRoomRecord => ({
  channelId: r.channelId,
  slowModeSeconds: r.slowModeSeconds,
  registeredOnly: r.registeredOnly,
  blockedWords: r.blockedWords,
  blockedPatterns: r.blockedPatterns,
  blockedWordsAction: r.blockedWordsAction,
  profanity: r.profanity,
  linkPolicy: r.linkPolicy,
  classifier: r.classifier,
  pinnedMessageId: r.pinnedMessageId,
  updatedAt: r.updatedAt,
});

/** A message to store: every outcome is, for statistics; `deletedAt` is set when a delete reached it before the write. */
export type MessageInsert = Pick<
  ChatMessageRecord,
  'id' | 'channelId' | 'liveSessionId' | 'kind' | 'authorKey' | 'nickname' | 'role' | 'registered' | 'text' | 'masked' | 'outcome' | 'hits' | 'createdAt'
> & { deletedAt?: Date | null };

export interface ChatChannel {
  id: string;
  ownerId: string;
  visibility: ChannelVisibility;
  /** The owner's display name: no anonymous viewer may take it as a nickname. */
  ownerName: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

/** Messages viewers may see: delivered, masked, or held and approved; never deleted. */
const visible = (channelId: string): Prisma.ChatMessageWhereInput => ({
  channelId,
  deletedAt: null,
  OR: [{ outcome: { in: ['delivered', 'masked'] } }, { outcome: 'held', approved: true }],
});

/** Channels, rooms and messages of the chat. */
@Injectable()
export class ChatRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findChannel(idOrSlug: string): Promise<ChatChannel | null> {
    const row = await this.prisma.channel.findFirst({
      where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug },
      select: { id: true, ownerId: true, visibility: true, owner: { select: { displayName: true } } },
    });
    return row ? { id: row.id, ownerId: row.ownerId, visibility: row.visibility, ownerName: row.owner.displayName } : null;
  }

  async activeSessionId(channelId: string): Promise<string | null> {
    const session = await this.prisma.liveSession.findFirst({ where: { channelId, state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    return session?.id ?? null;
  }

  async sessionBelongs(channelId: string, sessionId: string): Promise<boolean> {
    return (await this.prisma.liveSession.count({ where: { id: sessionId, channelId } })) === 1;
  }

  async isModerator(channelId: string, userId: string): Promise<boolean> {
    return (await this.prisma.channelModerator.count({ where: { channelId, userId } })) > 0;
  }

  async room(channelId: string): Promise<ChatRoomRecord | null> {
    const row = await this.prisma.chatRoom.findUnique({ where: { channelId } });
    return row ? toRoom(row) : null;
  }

  async saveSettings(channelId: string, s: ChatSettings): Promise<ChatRoomRecord> {
    const data = {
      slowModeSeconds: s.slowModeSeconds,
      registeredOnly: s.registeredOnly,
      blockedWords: s.blockedWords,
      blockedPatterns: s.blockedPatterns,
      blockedWordsAction: s.blockedWordsAction,
      profanity: s.profanity,
      linkPolicy: s.linkPolicy,
      classifier: s.classifier ?? Prisma.DbNull,
    };
    return toRoom(await this.prisma.chatRoom.upsert({ where: { channelId }, create: { channelId, ...data }, update: data }));
  }

  async setPinned(channelId: string, messageId: string | null): Promise<void> {
    await this.prisma.chatRoom.upsert({ where: { channelId }, create: { channelId, pinnedMessageId: messageId }, update: { pinnedMessageId: messageId } });
  }

  /** One statement for a whole batch; ids are made by the API, so a retried batch skips rows already written. */
  async insertMessages(rows: MessageInsert[]): Promise<number> {
    if (!rows.length) return 0;
    return (await this.prisma.chatMessage.createMany({ data: rows, skipDuplicates: true })).count;
  }

  async recentVisible(channelId: string, limit: number): Promise<MessageRow[]> {
    return (await this.prisma.chatMessage.findMany({ where: visible(channelId), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })).map(toMessage);
  }

  async messagePage(channelId: string, limit: number, after?: CursorPosition): Promise<MessageRow[]> {
    return (await this.prisma.chatMessage.findMany({ where: { AND: [visible(channelId), afterCursor(after)] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })).map(toMessage);
  }

  async findVisible(channelId: string, id: string): Promise<MessageRow | null> {
    const row = await this.prisma.chatMessage.findFirst({ where: { ...visible(channelId), id } });
    return row ? toMessage(row) : null;
  }

  async markDeleted(channelId: string, ids: string[], at: Date): Promise<number> {
    return (await this.prisma.chatMessage.updateMany({ where: { channelId, id: { in: ids }, deletedAt: null }, data: { deletedAt: at } })).count;
  }

  async purgeAuthor(channelId: string, authorKey: string, at: Date): Promise<number> {
    return (await this.prisma.chatMessage.updateMany({ where: { channelId, authorKey, deletedAt: null }, data: { deletedAt: at } })).count;
  }

  /** Held messages still waiting for a moderator, oldest first. */
  async held(channelId: string, limit: number): Promise<MessageRow[]> {
    return (await this.prisma.chatMessage.findMany({ where: { channelId, outcome: 'held', reviewedAt: null, deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit })).map(toMessage);
  }

  /** Approves or rejects a held message once; null when there is no such pending message. */
  async review(channelId: string, id: string, approved: boolean, by: string, at: Date): Promise<MessageRow | null> {
    const { count } = await this.prisma.chatMessage.updateMany({ where: { channelId, id, outcome: 'held', reviewedAt: null, deletedAt: null }, data: { approved, reviewedBy: by, reviewedAt: at } });
    const row = count === 1 ? await this.prisma.chatMessage.findUnique({ where: { id } }) : null;
    return row ? toMessage(row) : null;
  }

  async lastNickname(channelId: string, authorKey: string): Promise<string | null> {
    const row = await this.prisma.chatMessage.findFirst({ where: { channelId, authorKey }, orderBy: { createdAt: 'desc' }, select: { nickname: true } });
    return row?.nickname ?? null;
  }
}
