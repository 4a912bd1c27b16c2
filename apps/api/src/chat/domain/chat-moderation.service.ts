import { Inject, Injectable } from '@nestjs/common';
import type { ChatBan, ChatMessage, ChatSettings, CreateChatBan, HeldMessage, UpdateChatSettings } from '@onda/contracts';
import { validateModerationSettings } from '@onda/moderation';
import { outboundUrlProblem } from '@onda/outbound';
import type { Principal } from '../../auth/auth.context.js';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../../common/cursor.js';
import { API_OPTIONS, outboundAllowPrivate, type ApiOptions } from '../../common/tokens.js';
import { banDto, heldDto, messageDto, messageRow, settingsDto } from '../persistence/chat.mappers.js';
import { ChatModerationRepository } from '../persistence/chat-moderation.repository.js';
import { ChatRepository } from '../persistence/chat.repository.js';
import { ChatRoomsService, type ModeratorAccess } from './chat-rooms.service.js';
import { CHAT_STORE } from '../chat.tokens.js';
import { ChatWriter } from '../persistence/chat.writer.js';
import type { ChatStore } from '../state/chat.store.js';
import { ChatFanout } from '../transport/chat.fanout.js';
import { ChatTranslation } from './chat-translation.js';
import { cleanText } from './chat-text.js';
import { uuidv7 } from './uuid7.js';

/** Moderation over REST: settings, deletes, the held queue, bans and timeouts, pins and announcements. Every action is audited. */
@Injectable()
export class ChatModerationService {
  constructor(
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly fanout: ChatFanout,
    private readonly writer: ChatWriter,
    private readonly translation: ChatTranslation,
    private readonly rooms: ChatRoomsService,
    private readonly repo: ChatRepository,
    private readonly modRepo: ChatModerationRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async settings(principal: Principal, idOrSlug: string): Promise<ChatSettings> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    return settingsDto(await this.repo.room(channel.id));
  }

  async updateSettings(principal: Principal, idOrSlug: string, patch: UpdateChatSettings): Promise<ChatSettings> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const issues: Array<{ path: Array<string | number>; message: string }> = validateModerationSettings(patch);
    // The classifier gets every message: a URL at a loopback or private address is refused here already (the
    // outbound guard refuses it again at every call, since a name can be re-pointed later).
    const urlProblem = patch.classifier ? outboundUrlProblem(patch.classifier.url, outboundAllowPrivate(this.options)) : null;
    if (urlProblem) issues.push({ path: ['classifier', 'url'], message: `The classifier URL ${urlProblem}` });
    if (issues.length) throw new AppError('validation_failed', issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const id = access.channel.id;
    const before = settingsDto(await this.repo.room(id));
    const next: ChatSettings = { ...before, ...patch };
    await this.repo.saveSettings(id, next);
    await this.rooms.ensureLoaded(id);
    await this.store.setSettings(id, next);
    if (next.slowModeSeconds !== before.slowModeSeconds || next.registeredOnly !== before.registeredOnly) {
      this.fanout.publish(id, [{ type: 'mode', mode: { slowModeSeconds: next.slowModeSeconds, registeredOnly: next.registeredOnly } }]);
    }
    await this.rooms.audit(id, access.actor, 'settings.update', null, { changed: Object.keys(patch) });
    return next;
  }

  async messages(principal: Principal, idOrSlug: string, query: { limit: number; cursor?: string }): Promise<Page<ChatMessage>> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    await this.fanout.flushEverywhere();
    const rows = await this.repo.messagePage(channel.id, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
    return toPage(rows, query.limit, messageDto);
  }

  async deleteMessage(principal: Principal, idOrSlug: string, messageId: string): Promise<void> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    await this.rooms.ensureLoaded(id);
    const recent = await this.store.findRecent(id, messageId);
    const stored = recent ? null : (await this.writer.flush(), await this.repo.findVisible(id, messageId));
    if (!recent && !stored) throw new AppError('not_found', 'No such message in this chat');
    const now = new Date();
    await this.repo.markDeleted(id, [messageId], now);
    await this.store.removeRecent(id, [messageId]);
    this.fanout.publish(id, [{ type: 'delete', messageIds: [messageId] }]);
    const message = recent ?? messageDto(stored!);
    await this.rooms.audit(id, access.actor, 'message.delete', messageId, { authorKey: message.author.key, nickname: message.author.nickname, text: message.text });
    if ((await this.store.pinned(id))?.id === messageId) await this.setPinned(access, null);
  }

  async held(principal: Principal, idOrSlug: string): Promise<{ items: HeldMessage[] }> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    return { items: (await this.repo.held(channel.id, 200)).map(heldDto) };
  }

  async review(principal: Principal, idOrSlug: string, messageId: string, approve: boolean): Promise<ChatMessage> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    const row = await this.repo.review(id, messageId, approve, access.actor, new Date());
    if (!row) throw new AppError('not_found', 'No such message waiting for review');
    const message = messageDto(row);
    if (approve) {
      await this.rooms.ensureLoaded(id);
      await this.store.pushRecent(id, message);
      this.fanout.publish(id, [{ type: 'message', message }]);
      this.translation.offer(id, message);
    }
    await this.rooms.audit(id, access.actor, approve ? 'held.approve' : 'held.reject', messageId, { authorKey: message.author.key, reasons: row.hits });
    return message;
  }

  async bans(principal: Principal, idOrSlug: string): Promise<{ items: ChatBan[] }> {
    const { channel } = await this.rooms.moderatorAccess(principal, idOrSlug);
    return { items: (await this.modRepo.activeBans(channel.id, new Date())).map(banDto) };
  }

  /**
   * A timeout (durationSeconds) or a permanent ban; the author's messages leave every viewer's screen at once. With
   * scope `address` or `subnet` the ban holds on where the author last joined from, whatever identity comes from there.
   */
  async ban(principal: Principal, idOrSlug: string, body: CreateChatBan): Promise<ChatBan> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    if (!/^(u|a):[A-Za-z0-9_-]+$/.test(body.authorKey)) throw new AppError('validation_failed', 'authorKey: u:<userId> or a:<key> as chat messages carry it', [{ path: 'authorKey', message: 'unknown form' }]);
    if (body.authorKey.startsWith('u:')) {
      const role = await this.rooms.roleOf(access.channel, { id: body.authorKey.slice(2), operator: false, role: 'viewer' });
      if (role !== 'viewer') throw new AppError('unprocessable', 'The owner and moderators of a channel cannot be banned from its chat');
    }
    await this.rooms.ensureLoaded(id);
    const scope = body.scope ?? 'author';
    const network = scope === 'author' ? null : await this.store.addressOf(id, body.authorKey);
    if (scope !== 'author' && !network) throw new AppError('unprocessable', 'This author has not joined the chat in the last day: there is no address to ban');
    const target = network ? (scope === 'address' ? network.address : network.subnet) : body.authorKey;
    await this.fanout.flushEverywhere();
    const now = new Date();
    const expiresAt = body.durationSeconds ? new Date(now.getTime() + body.durationSeconds * 1000) : null;
    const nickname = await this.repo.lastNickname(id, body.authorKey);
    const row = await this.modRepo.createBan({ channelId: id, authorKey: target, nickname, reason: body.reason ?? null, expiresAt, createdBy: access.actor });
    const effective = await this.modRepo.activeBanOf(id, target, now);
    await this.store.setBan(id, target, effective?.expiresAt?.getTime() ?? null);
    await this.repo.purgeAuthor(id, body.authorKey, now);
    await this.store.purgeRecent(id, body.authorKey);
    this.fanout.publish(id, [{ type: 'purge', authorKey: body.authorKey }]);
    await this.rooms.audit(id, access.actor, expiresAt ? 'timeout' : 'ban', body.authorKey, { banId: row.id, scope, nickname, reason: body.reason ?? null, durationSeconds: body.durationSeconds ?? null });
    if ((await this.store.pinned(id))?.author.key === body.authorKey) await this.setPinned(access, null);
    return banDto(row);
  }

  async unban(principal: Principal, idOrSlug: string, banId: string): Promise<void> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    const now = new Date();
    const row = await this.modRepo.revokeBan(id, banId, now);
    if (!row) throw new AppError('not_found', 'No such active ban');
    // Another ban of the same author may still hold.
    const remaining = await this.modRepo.activeBanOf(id, row.authorKey, now);
    if (remaining) await this.store.setBan(id, row.authorKey, remaining.expiresAt?.getTime() ?? null);
    else await this.store.clearBan(id, row.authorKey);
    await this.rooms.audit(id, access.actor, 'unban', row.authorKey, { banId });
  }

  async pin(principal: Principal, idOrSlug: string, messageId: string | null): Promise<ChatMessage | null> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    await this.rooms.ensureLoaded(id);
    let message: ChatMessage | null = null;
    if (messageId) {
      message = await this.store.findRecent(id, messageId);
      if (!message) {
        await this.writer.flush();
        const row = await this.repo.findVisible(id, messageId);
        if (!row) throw new AppError('not_found', 'No such message in this chat');
        message = messageDto(row);
      }
    }
    await this.setPinned(access, message);
    return message;
  }

  async announce(principal: Principal, idOrSlug: string, text: string): Promise<ChatMessage> {
    const access = await this.rooms.moderatorAccess(principal, idOrSlug);
    const id = access.channel.id;
    const clean = cleanText(text);
    if (!clean) throw new AppError('validation_failed', 'text: empty', [{ path: 'text', message: 'empty' }]);
    await this.rooms.ensureLoaded(id);
    const now = Date.now();
    const message: ChatMessage = {
      id: uuidv7(now),
      channelId: id,
      kind: 'announcement',
      author: { key: access.actor, nickname: access.user.displayName, role: access.role, registered: true },
      text: clean,
      masked: false,
      createdAt: new Date(now).toISOString(),
    };
    await this.store.pushRecent(id, message);
    this.fanout.publish(id, [{ type: 'message', message }]);
    // Announcements are translated for the room's other-language viewers like any message.
    this.translation.offer(id, message);
    this.writer.addMessage(messageRow(message, 'delivered', [], await this.rooms.liveSessionId(id)));
    await this.rooms.audit(id, access.actor, 'announcement', message.id, { text: clean });
    return message;
  }

  private async setPinned(access: ModeratorAccess, message: ChatMessage | null): Promise<void> {
    const id = access.channel.id;
    await this.repo.setPinned(id, message?.id ?? null);
    await this.store.setPinned(id, message);
    this.fanout.publish(id, [{ type: 'pin', message }]);
    await this.rooms.audit(id, access.actor, message ? 'pin' : 'unpin', message?.id ?? null, message ? { authorKey: message.author.key, text: message.text } : {});
  }
}
