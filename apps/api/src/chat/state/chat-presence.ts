import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ChatModerationRepository } from '../persistence/chat-moderation.repository.js';
import { ChatPollsService } from '../domain/chat-polls.service.js';
import { ChatRoomsService } from '../domain/chat-rooms.service.js';
import { CHAT_RUNTIME, type ChatRuntime } from '../chat.runtime.js';

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
    @Inject(CHAT_RUNTIME) private readonly rt: ChatRuntime,
    private readonly rooms: ChatRoomsService,
    private readonly modRepo: ChatModerationRepository,
    private readonly polls: ChatPollsService,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.rt.options.viewersIntervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Everyone in the room on every node, as the last reports and this node's own count tell. */
  async total(channelId: string): Promise<{ others: number; local: number }> {
    const others = await this.rt.store.otherViewers([channelId], this.rt.nodeId, Date.now(), this.staleMs());
    return { others: others.get(channelId) ?? 0, local: this.rt.fanout.localSize(channelId) };
  }

  /** People in each channel's room now, on every node (channel listings show them on live cards). */
  async viewersOf(channelIds: string[]): Promise<Map<string, number>> {
    if (channelIds.length === 0) return new Map();
    const others = await this.rt.store.otherViewers(channelIds, this.rt.nodeId, Date.now(), this.staleMs());
    return new Map(channelIds.map((id) => [id, (others.get(id) ?? 0) + this.rt.fanout.localSize(id)]));
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const local = this.rt.fanout.localRooms();
      const ids = new Set(local.map(([id]) => id));
      const gone = [...this.reported].filter((id) => !ids.has(id)).map((id): [string, number] => [id, 0]);
      await this.rt.store.reportViewers(this.rt.nodeId, [...local, ...gone], now);
      this.reported = ids;
      // Viewers per wanted translation language ride the same beat (nothing to do when translation is off).
      if (this.rt.translation.enabled) await this.rt.translation.report(this.rt.nodeId, [...ids], gone.map(([id]) => id), now, this.staleMs());
      const others = await this.rt.store.otherViewers([...ids], this.rt.nodeId, now, this.staleMs());
      for (const [channelId, count] of local) {
        const total = count + (others.get(channelId) ?? 0);
        await this.recordPeak(channelId, total);
        this.rt.fanout.emitViewers(channelId, total);
      }
      await this.polls.closeExpired();
    } catch (error) {
      this.logger.warn(`viewer count round failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private staleMs(): number {
    return this.rt.options.viewersIntervalMs * 3;
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
