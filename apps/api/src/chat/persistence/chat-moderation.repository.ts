import { Inject, Injectable } from '@nestjs/common';
import type { ChatAuditEntry, ChatBan, ChatPoll, Prisma, PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../../common/cursor.js';
import { PRISMA } from '../../common/tokens.js';

/** A ban or timeout as stored. */
export interface ChatBanRecord {
  id: string;
  channelId: string;
  authorKey: string;
  nickname: string | null;
  reason: string | null;
  /** null: permanent. */
  expiresAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}
/** A poll as stored (open, or closed with its results). */
export interface ChatPollRecord {
  id: string;
  channelId: string;
  question: string;
  options: string[];
  status: 'open' | 'closed';
  /** Votes per option once closed. */
  results: number[];
  createdBy: string | null;
  createdAt: Date;
  closesAt: Date | null;
  closedAt: Date | null;
}
/** One entry of a room's moderation audit log. */
export interface ChatAuditRecord {
  id: string;
  channelId: string;
  liveSessionId: string | null;
  actor: string;
  action: string;
  target: string | null;
  /** Stored JSON (an AuditDetail when written by this API). */
  detail: unknown;
  createdAt: Date;
}
type BanRow = ChatBanRecord;
type PollRow = ChatPollRecord;
type AuditRow = ChatAuditRecord;
/** One viewer's vote in a poll. */
export interface VoteInsert {
  pollId: string;
  voterKey: string;
  option: number;
}

type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
/** What an audit entry records beside its action, actor and target: plain JSON. */
export type AuditDetail = { readonly [key: string]: JsonValue };

export interface StatsRows {
  messages: number;
  uniqueChatters: number;
  outcomes: Record<'delivered' | 'masked' | 'held' | 'dropped', number>;
  perMinute: Array<{ minute: Date; messages: number }>;
  filterHits: Array<{ rule: string; hits: number }>;
  actions: Array<{ action: string; count: number }>;
  peak: number;
}

const toBan = (b: ChatBan): BanRow => ({
  id: b.id,
  channelId: b.channelId,
  authorKey: b.authorKey,
  nickname: b.nickname,
  reason: b.reason,
  expiresAt: b.expiresAt,
  createdBy: b.createdBy,
  createdAt: b.createdAt,
  revokedAt: b.revokedAt,
});
const toPoll = (p: ChatPoll): PollRow => ({
  id: p.id,
  channelId: p.channelId,
  question: p.question,
  options: p.options,
  status: p.status,
  results: p.results,
  createdBy: p.createdBy,
  createdAt: p.createdAt,
  closesAt: p.closesAt,
  closedAt: p.closedAt,
});
const toAudit = (a: ChatAuditEntry): AuditRow => ({
  id: a.id,
  channelId: a.channelId,
  liveSessionId: a.liveSessionId,
  actor: a.actor,
  action: a.action,
  target: a.target,
  detail: a.detail,
  createdAt: a.createdAt,
});
const orNull = <R, T>(map: (r: R) => T) => (r: R | null): T | null => (r ? map(r) : null);

const active = (channelId: string, now: Date): Prisma.ChatBanWhereInput => ({ channelId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

/** Bans, polls and votes, the audit log, peaks and statistics of the chat. */
@Injectable()
export class ChatModerationRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async createBan(data: { channelId: string; authorKey: string; nickname: string | null; reason: string | null; expiresAt: Date | null; createdBy: string }): Promise<BanRow> {
    return toBan(await this.prisma.chatBan.create({ data }));
  }

  async activeBans(channelId: string, now: Date): Promise<BanRow[]> {
    return (await this.prisma.chatBan.findMany({ where: active(channelId, now), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1000 })).map(toBan);
  }

  /** The ban that decides about this author now: a permanent one if any, else the timeout that ends last. */
  async activeBanOf(channelId: string, authorKey: string, now: Date): Promise<BanRow | null> {
    const bans = (await this.prisma.chatBan.findMany({ where: { ...active(channelId, now), authorKey } })).map(toBan);
    return bans.find((b) => !b.expiresAt) ?? bans.sort((a, b) => b.expiresAt!.getTime() - a.expiresAt!.getTime())[0] ?? null;
  }

  async revokeBan(channelId: string, banId: string, at: Date): Promise<BanRow | null> {
    const { count } = await this.prisma.chatBan.updateMany({ where: { id: banId, channelId, revokedAt: null }, data: { revokedAt: at } });
    return count === 1 ? orNull(toBan)(await this.prisma.chatBan.findUnique({ where: { id: banId } })) : null;
  }

  /** null when the channel already has an open poll (the partial unique index decides races). */
  async createPoll(data: { channelId: string; question: string; options: string[]; closesAt: Date | null; createdBy: string }): Promise<PollRow | null> {
    return this.prisma.chatPoll.create({ data }).then(toPoll, (e: unknown) => {
      if ((e as { code?: string }).code === 'P2002') return null;
      throw e;
    });
  }

  async openPoll(channelId: string): Promise<PollRow | null> {
    return orNull(toPoll)(await this.prisma.chatPoll.findFirst({ where: { channelId, status: 'open' } }));
  }

  async findPoll(channelId: string, id: string): Promise<PollRow | null> {
    return orNull(toPoll)(await this.prisma.chatPoll.findFirst({ where: { id, channelId } }));
  }

  async listPolls(channelId: string, limit: number): Promise<PollRow[]> {
    return (await this.prisma.chatPoll.findMany({ where: { channelId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })).map(toPoll);
  }

  async pollVotes(pollId: string): Promise<Array<[string, number]>> {
    const rows = await this.prisma.chatPollVote.findMany({ where: { pollId }, select: { voterKey: true, option: true } });
    return rows.map((r) => [r.voterKey, r.option]);
  }

  async insertVotes(rows: VoteInsert[]): Promise<number> {
    if (!rows.length) return 0;
    return (await this.prisma.chatPollVote.createMany({ data: rows, skipDuplicates: true })).count;
  }

  /** Closes an open poll with its final counts; null when it was not open (someone else closed it). */
  async closePoll(channelId: string, pollId: string, results: number[], at: Date): Promise<PollRow | null> {
    const { count } = await this.prisma.chatPoll.updateMany({ where: { id: pollId, channelId, status: 'open' }, data: { status: 'closed', results, closedAt: at } });
    return count === 1 ? orNull(toPoll)(await this.prisma.chatPoll.findUnique({ where: { id: pollId } })) : null;
  }

  /** Open polls past their deadline, for any node to close. */
  async expiredPolls(now: Date): Promise<PollRow[]> {
    return (await this.prisma.chatPoll.findMany({ where: { status: 'open', closesAt: { lte: now } }, take: 100 })).map(toPoll);
  }

  async audit(entry: { channelId: string; liveSessionId: string | null; actor: string; action: string; target: string | null; detail: AuditDetail }): Promise<void> {
    await this.prisma.chatAuditEntry.create({ data: entry });
  }

  async auditPage(channelId: string, limit: number, after?: CursorPosition): Promise<AuditRow[]> {
    return (await this.prisma.chatAuditEntry.findMany({ where: { channelId, ...afterCursor(after) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })).map(toAudit);
  }

  async bumpPeak(channelId: string, sessionKey: string, peak: number): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO chat_peaks (channel_id, session_key, peak, updated_at) VALUES (${channelId}::uuid, ${sessionKey}, ${peak}, now())
      ON CONFLICT (channel_id, session_key) DO UPDATE SET peak = GREATEST(chat_peaks.peak, EXCLUDED.peak), updated_at = now()`;
  }

  /** Statistics of one live session, or of the chat between broadcasts (`liveSessionId` null). */
  async stats(channelId: string, liveSessionId: string | null): Promise<StatsRows> {
    const session = liveSessionId;
    const [totals, perMinute, hits, actions, peak] = await Promise.all([
      this.prisma.$queryRaw<Array<{ messages: bigint; chatters: bigint; delivered: bigint; masked: bigint; held: bigint; dropped: bigint }>>`
        SELECT count(*) AS messages, count(DISTINCT author_key) AS chatters,
               count(*) FILTER (WHERE outcome = 'delivered') AS delivered, count(*) FILTER (WHERE outcome = 'masked') AS masked,
               count(*) FILTER (WHERE outcome = 'held') AS held, count(*) FILTER (WHERE outcome = 'dropped') AS dropped
        FROM chat_messages WHERE channel_id = ${channelId}::uuid AND live_session_id IS NOT DISTINCT FROM ${session}::uuid AND kind = 'message'`,
      this.prisma.$queryRaw<Array<{ minute: Date; messages: bigint }>>`
        SELECT date_trunc('minute', created_at) AS minute, count(*) AS messages
        FROM chat_messages WHERE channel_id = ${channelId}::uuid AND live_session_id IS NOT DISTINCT FROM ${session}::uuid AND kind = 'message'
        GROUP BY 1 ORDER BY 1`,
      this.prisma.$queryRaw<Array<{ rule: string; hits: bigint }>>`
        SELECT h AS rule, count(*) AS hits
        FROM chat_messages, unnest(hits) AS h WHERE channel_id = ${channelId}::uuid AND live_session_id IS NOT DISTINCT FROM ${session}::uuid AND kind = 'message'
        GROUP BY 1 ORDER BY 1`,
      this.prisma.$queryRaw<Array<{ action: string; count: bigint }>>`
        SELECT action, count(*) AS count FROM chat_audit
        WHERE channel_id = ${channelId}::uuid AND live_session_id IS NOT DISTINCT FROM ${session}::uuid GROUP BY 1 ORDER BY 1`,
      this.prisma.chatPeak.findUnique({ where: { channelId_sessionKey: { channelId, sessionKey: session ?? '' } }, select: { peak: true } }),
    ]);
    const t = totals[0];
    return {
      messages: Number(t?.messages ?? 0),
      uniqueChatters: Number(t?.chatters ?? 0),
      outcomes: { delivered: Number(t?.delivered ?? 0), masked: Number(t?.masked ?? 0), held: Number(t?.held ?? 0), dropped: Number(t?.dropped ?? 0) },
      perMinute: perMinute.map((r) => ({ minute: r.minute, messages: Number(r.messages) })),
      filterHits: hits.map((r) => ({ rule: r.rule, hits: Number(r.hits) })),
      actions: actions.map((r) => ({ action: r.action, count: Number(r.count) })),
      peak: peak?.peak ?? 0,
    };
  }
}
