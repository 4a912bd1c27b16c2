/** One message of an author, as the duplicate and flood filters remember it. */
export interface RecentMessage {
  /** Hash of the message's normalised letters (see fingerprint in flood.ts): equal for "Hello!!" and "hello". */
  fingerprint: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Per-author memory of recent messages. One call records a message and returns the author's earlier ones, so a
 * shared store answers in one round trip and two API nodes see the same history. A Redis implementation: a sorted
 * set per author scored by `at` — in one MULTI, ZREMRANGEBYSCORE key -inf (at - windowMs), ZRANGE key 0 -1,
 * ZADD key at `${at}:${fingerprint}`, PEXPIRE key windowMs.
 */
export interface RecentMessages {
  /** Records `message` for `authorKey`; returns the author's messages recorded before it within `windowMs` of `message.at`, oldest first. */
  remember(authorKey: string, message: RecentMessage, windowMs: number): Promise<RecentMessage[]> | RecentMessage[];
}

export interface InMemoryRecentMessagesOptions {
  /** Authors remembered at most; the least recently active are forgotten first. */
  maxAuthors?: number;
  /** Messages remembered per author at most. */
  maxPerAuthor?: number;
}

/** RecentMessages in this process's memory (one API node, or tests). Bounded in authors and messages per author. */
export class InMemoryRecentMessages implements RecentMessages {
  private readonly byAuthor = new Map<string, RecentMessage[]>();
  private readonly maxAuthors: number;
  private readonly maxPerAuthor: number;

  constructor(options: InMemoryRecentMessagesOptions = {}) {
    this.maxAuthors = options.maxAuthors ?? 50_000;
    this.maxPerAuthor = options.maxPerAuthor ?? 50;
  }

  /** Authors currently remembered. */
  get size(): number {
    return this.byAuthor.size;
  }

  remember(authorKey: string, message: RecentMessage, windowMs: number): RecentMessage[] {
    const since = message.at - windowMs;
    const kept = (this.byAuthor.get(authorKey) ?? []).filter((m) => m.at >= since);
    // Re-inserting moves the author to the end of the Map's order, so the first key is the least recently active.
    this.byAuthor.delete(authorKey);
    this.byAuthor.set(authorKey, [...kept, message].slice(-this.maxPerAuthor));
    if (this.byAuthor.size > this.maxAuthors) {
      const oldest = this.byAuthor.keys().next().value;
      if (oldest !== undefined) this.byAuthor.delete(oldest);
    }
    return kept;
  }

  clear(): void {
    this.byAuthor.clear();
  }
}
