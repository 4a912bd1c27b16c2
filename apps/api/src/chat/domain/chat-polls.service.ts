import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatAuditEntry, ChatStats, CreatePoll, Poll } from '@onda/contracts';
import type { Principal } from '../../auth/auth.context.js';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../../common/cursor.js';
import { auditDto, closedPollDto, openPoll, pollDto } from '../persistence/chat.mappers.js';
import { ChatModerationRepository, type ChatPollRecord as PollRow } from '../persistence/chat-moderation.repository.js';
import { ChatRepository } from '../persistence/chat.repository.js';
import { ChatRoomsService } from './chat-rooms.service.js';
import { CHAT_STORE } from '../chat.tokens.js';
import { ChatWriter } from '../persistence/chat.writer.js';
import type { ChatStore } from '../state/chat.store.js';
import { ChatFanout } from '../transport/chat.fanout.js';
import { cleanText } from './chat-text.js';

/** Polls (one open per channel, one vote per viewer), the audit log and chat statistics over REST. */
@Injectable()
export class ChatPollsService {
  private readonly logger = new Logger('ChatPolls');

  constructor(
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly fanout: ChatFanout,
    private readonly writer: ChatWriter,
    private readonly rooms: ChatRoomsService,
    private readonly repo: ChatRepository,
    private readonly modRepo: ChatModerationRepository,
  ) {}

  async list(principal: Principal, idOrSlug: string): Promise<{ items: Poll[] }> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    const rows = await this.modRepo.listPolls(channel.id, 50);
    return { items: await Promise.all(rows.map((row) => this.dto(row))) };
  }

  async create(principal: Principal, idOrSlug: string, body: CreatePoll): Promise<Poll> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    await this.rooms.ensureLoaded(id);
    const closesAt = body.durationSeconds ? new Date(Date.now() + body.durationSeconds * 1000) : null;
    const row = await this.modRepo.createPoll({ channelId: id, question: cleanText(body.question), options: body.options.map(cleanText), closesAt, createdBy: access.actor });
    if (!row) throw new AppError('conflict', 'This chat already has an open poll; close it first');
    const poll = openPoll(row);
    await this.store.setPoll(id, poll);
    const dto = pollDto(poll, []);
    this.fanout.publish(id, [{ type: 'poll', poll: dto }]);
    await this.rooms.audit(id, access.actor, 'poll.create', poll.id, { question: poll.question, options: poll.options });
    return dto;
  }

  async close(principal: Principal, idOrSlug: string, pollId: string): Promise<Poll> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const row = await this.modRepo.findPoll(access.channel.id, pollId);
    if (!row) throw new AppError('not_found', 'No such poll');
    if (row.status === 'closed') throw new AppError('conflict', 'The poll is already closed');
    const closed = await this.finish(row, access.actor);
    if (!closed) throw new AppError('conflict', 'The poll is already closed');
    return closed;
  }

  /** Closes polls whose deadline passed; whichever node gets there first does it. */
  async closeExpired(): Promise<void> {
    for (const row of await this.modRepo.expiredPolls(new Date())) {
      await this.finish(row, 'system').catch((e: unknown) => this.logger.error(`closing poll ${row.id} failed: ${(e as Error).message}`));
    }
  }

  async audit(principal: Principal, idOrSlug: string, query: { limit: number; cursor?: string }): Promise<Page<ChatAuditEntry>> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    const rows = await this.modRepo.auditPage(channel.id, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
    return toPage(rows, query.limit, auditDto);
  }

  /** One live session's numbers; without `session`, the broadcast live now, or the chat between broadcasts. */
  async stats(principal: Principal, idOrSlug: string, session: string | undefined): Promise<ChatStats> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    if (session && !(await this.repo.sessionBelongs(channel.id, session))) throw new AppError('not_found', 'No such live session of this channel');
    const liveSessionId = session ?? (await this.repo.activeSessionId(channel.id));
    await this.fanout.flushEverywhere();
    const s = await this.modRepo.stats(channel.id, liveSessionId);
    return {
      channelId: channel.id,
      liveSessionId,
      messages: s.messages,
      uniqueChatters: s.uniqueChatters,
      peakConnections: s.peak,
      perMinute: s.perMinute.map((m) => ({ minute: m.minute.toISOString(), messages: m.messages })),
      outcomes: s.outcomes,
      filterHits: Object.fromEntries(s.filterHits.map((h) => [h.rule, h.hits])),
      moderationActions: Object.fromEntries(s.actions.map((a) => [a.action, a.count])),
    };
  }

  private async dto(row: PollRow): Promise<Poll> {
    if (row.status === 'closed') return closedPollDto(row);
    return pollDto(openPoll(row), await this.store.pollCounts(row.channelId, row.id, row.options.length));
  }

  /** Final counts from the store go to PostgreSQL; the room sees the closed poll. null if someone closed it first. */
  private async finish(row: PollRow, actor: string): Promise<Poll | null> {
    const id = row.channelId;
    await this.rooms.ensureLoaded(id);
    await this.writer.flush();
    const counts = await this.store.pollCounts(id, row.id, row.options.length);
    const closed = await this.modRepo.closePoll(id, row.id, counts, new Date());
    if (!closed) return null;
    if ((await this.store.poll(id))?.id === row.id) await this.store.setPoll(id, null);
    const dto = closedPollDto(closed);
    this.fanout.publish(id, [{ type: 'poll', poll: dto }]);
    await this.rooms.audit(id, actor, 'poll.close', row.id, { results: counts });
    return dto;
  }
}
