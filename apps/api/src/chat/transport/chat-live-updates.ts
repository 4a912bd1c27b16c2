import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ChatItem } from '@onda/contracts';
import { pollDto } from '../persistence/chat.mappers.js';
import type { ChatOptions } from '../chat.options.js';
import { CHAT_OPTIONS, CHAT_STORE } from '../chat.tokens.js';
import type { ChatStore } from '../state/chat.store.js';
import { ChatFanout } from './chat.fanout.js';

/**
 * Live poll results and reaction counts, throttled to the tick: a burst of votes on this node becomes
 * one `poll` item per tick (with the totals from the shared store), not one item per vote.
 */
@Injectable()
export class ChatLiveUpdates implements OnModuleDestroy {
  private readonly polls = new Set<string>();
  private readonly reactions = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logger = new Logger('ChatLiveUpdates');

  constructor(
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly fanout: ChatFanout,
  ) {}

  pollChanged(channelId: string): void {
    this.polls.add(channelId);
    this.schedule();
  }

  /**
   * Tells the channel's room at once (not at the end of the tick) that its broadcast became playable:
   * viewers waiting on the channel page start playing without waiting for their status poll.
   */
  broadcastLive(channelId: string, sessionId: string): void {
    this.fanout.publish(channelId, [{ type: 'live', sessionId }]);
  }

  reactionsChanged(channelId: string, messageId: string): void {
    let ids = this.reactions.get(channelId);
    if (!ids) this.reactions.set(channelId, (ids = new Set()));
    ids.add(messageId);
    this.schedule();
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => this.logger.error(`live update failed: ${(e as Error).message}`));
    }, this.options.tickMs);
  }

  private async flush(): Promise<void> {
    const polls = [...this.polls];
    const reactions = [...this.reactions];
    this.polls.clear();
    this.reactions.clear();
    await Promise.all([
      ...polls.map(async (channelId) => {
        const poll = await this.store.poll(channelId);
        if (!poll) return;
        const counts = await this.store.pollCounts(channelId, poll.id, poll.options.length);
        this.fanout.publish(channelId, [{ type: 'poll', poll: pollDto(poll, counts) }]);
      }),
      ...reactions.map(async ([channelId, ids]) => {
        const counts = await this.store.reactions(channelId, [...ids]);
        const items: ChatItem[] = [...counts].map(([messageId, r]) => ({ type: 'reactions', messageId, reactions: r }));
        this.fanout.publish(channelId, items);
      }),
    ]);
  }
}
