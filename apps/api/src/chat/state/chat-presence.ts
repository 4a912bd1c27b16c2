import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ChatModerationRepository } from '../persistence/chat-moderation.repository.js';
import { ChatPollsService } from '../domain/chat-polls.service.js';
import { ChatRoomsService } from '../domain/chat-rooms.service.js';
import type { ChatOptions } from '../chat.options.js';
import { CHAT_NODE, CHAT_OPTIONS, CHAT_STORE, type ChatNode } from '../chat.tokens.js';
import { ChatTranslation } from '../domain/chat-translation.js';
import { ChatFanout } from '../transport/chat.fanout.js';
import type { ChatStore } from './chat.store.js';

/**
 * Viewer counts across nodes: every `viewersIntervalMs` each node reports its local room sizes to the
 * store, sums the other nodes' recent reports, emits the total to its local viewers (volatile) and
 * records the peak per live session. The same beat closes polls whose deadline passed.
 */
@Injectable()
export class ChatPresence implements OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private reported = new Set<string>();
  private readonly peaks = new Map<string, number>();
  private readonly logger = new Logger('ChatPresence');

  constructor(
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
    @Inject(CHAT_NODE) private readonly node: ChatNode,
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly fanout: ChatFanout,
    private readonly translation: ChatTranslation,
    private readonly rooms: ChatRoomsService,
    private readonly modRepo: ChatModerationRepository,
    private readonly polls: ChatPollsService,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.viewersIntervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Everyone in the room on every node, as the last reports and this node's own count tell. */
  async total(channelId: string): Promise<{ others: number; local: number }> {
    const others = await this.store.otherViewers([channelId], this.node.id, Date.now(), this.staleMs());
    return { others: others.get(channelId) ?? 0, local: this.fanout.localSize(channelId) };
  }

  /** People in each channel's room now, on every node (channel listings show them on live cards). */
  async viewersOf(channelIds: string[]): Promise<Map<string, number>> {
    if (channelIds.length === 0) return new Map();
    const others = await this.store.otherViewers(channelIds, this.node.id, Date.now(), this.staleMs());
    return new Map(channelIds.map((id) => [id, (others.get(id) ?? 0) + this.fanout.localSize(id)]));
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const local = this.fanout.localRooms();
      const ids = new Set(local.map(([id]) => id));
      const gone = [...this.reported].filter((id) => !ids.has(id)).map((id): [string, number] => [id, 0]);
      await this.store.reportViewers(this.node.id, [...local, ...gone], now);
      this.reported = ids;
      // Viewers per wanted translation language ride the same beat (nothing to do when translation is off).
      if (this.translation.enabled) await this.translation.report(this.node.id, [...ids], gone.map(([id]) => id), now, this.staleMs());
      const others = await this.store.otherViewers([...ids], this.node.id, now, this.staleMs());
      for (const [channelId, count] of local) {
        const total = count + (others.get(channelId) ?? 0);
        await this.recordPeak(channelId, total);
        this.fanout.emitViewers(channelId, total);
      }
      await this.polls.closeExpired();
    } catch (error) {
      this.logger.warn(`viewer count round failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private staleMs(): number {
    return this.options.viewersIntervalMs * 3;
  }

  /** PostgreSQL hears about a peak only when this node sees it rise. */
  private async recordPeak(channelId: string, total: number): Promise<void> {
    const sessionKey = (await this.rooms.liveSessionId(channelId)) ?? '';
    const key = `${channelId}|${sessionKey}`;
    if (total <= (this.peaks.get(key) ?? 0)) return;
    if (this.peaks.size > 10_000) this.peaks.clear();
    this.peaks.set(key, total);
    await this.modRepo.bumpPeak(channelId, sessionKey, total);
  }
}
