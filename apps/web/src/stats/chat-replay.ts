import type { ChatReplayPage, ReplayMessage } from './stats-api';

/** Loads the chat of `[from, to)` seconds of the recording. */
export type ReplayWindowLoader = (from: number, to: number, signal: AbortSignal) => Promise<ChatReplayPage>;

export interface ChatReplaySnapshot {
  /** The messages said up to the playhead (`offsetSeconds <= time`), oldest first, the latest `maxVisible`. */
  visible: readonly ReplayMessage[];
  loading: boolean;
  failed: boolean;
}

export interface ChatReplayOptions {
  /** Seconds of chat per request. */
  windowSeconds?: number;
  /** Load the next window once the playhead is this close to the end of what is loaded. */
  aheadSeconds?: number;
  /** After a seek, also load this much chat before the new position, so the list is not empty. */
  backfillSeconds?: number;
  maxVisible?: number;
  /** The recording's length: nothing is loaded past it. */
  durationSeconds?: number | null;
}

const empty: ChatReplaySnapshot = { visible: [], loading: false, failed: false };

/**
 * Chat replay in sync with a player: feed it the playhead with `setTime`; it loads the chat in windows
 * ahead of the playhead and shows the messages whose offset has been reached. A seek outside what is
 * loaded (or far ahead of it) starts over at the new position; a seek back inside it just hides the
 * messages after the playhead.
 */
export class ChatReplay {
  private readonly windowSeconds: number;
  private readonly aheadSeconds: number;
  private readonly backfillSeconds: number;
  private readonly maxVisible: number;
  private readonly durationSeconds: number | null;
  private messages: ReplayMessage[] = [];
  private ids = new Set<string>();
  /** The loaded stretch of the timeline: [from, until). */
  private from = 0;
  private until = 0;
  private time = 0;
  private inFlight: AbortController | null = null;
  private failedAt: number | null = null;
  private visibleCount = -1;
  private snapshot: ChatReplaySnapshot = empty;
  private readonly listeners = new Set<() => void>();
  private disposed = false;
  private started = false;

  constructor(
    private readonly load: ReplayWindowLoader,
    options: ChatReplayOptions = {},
  ) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.aheadSeconds = options.aheadSeconds ?? 20;
    this.backfillSeconds = options.backfillSeconds ?? 60;
    this.maxVisible = options.maxVisible ?? 200;
    this.durationSeconds = options.durationSeconds ?? null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatReplaySnapshot => this.snapshot;

  /** The playhead moved (timeupdate, seek). */
  setTime(seconds: number): void {
    if (this.disposed || !Number.isFinite(seconds)) return;
    const time = Math.max(0, seconds);
    // Outside the loaded stretch, or so far ahead that loading up to it would mean many windows: start over there.
    if (!this.started || time < this.from || time > this.until + this.windowSeconds) {
      this.reset(time);
      return;
    }
    this.time = time;
    this.publish();
    this.loadAhead();
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.abort();
    this.listeners.clear();
  }

  private reset(time: number): void {
    this.inFlight?.abort();
    this.inFlight = null;
    this.started = true;
    this.time = time;
    this.messages = [];
    this.ids = new Set();
    this.failedAt = null;
    this.from = Math.max(0, Math.floor(time - this.backfillSeconds));
    this.until = this.from;
    this.visibleCount = -1;
    this.publish();
    this.loadAhead();
  }

  private loadAhead(): void {
    if (this.inFlight || this.until >= this.time + this.aheadSeconds) return;
    if (this.durationSeconds !== null && this.until >= this.durationSeconds) return;
    // After a failure, try again once the playhead has moved on a little (not on every timeupdate).
    if (this.failedAt !== null && Math.abs(this.time - this.failedAt) < 5) return;
    const start = this.until;
    const end = Math.floor(start + this.windowSeconds);
    const controller = new AbortController();
    this.inFlight = controller;
    this.failedAt = null;
    this.publish();
    this.load(start, end, controller.signal).then(
      (page) => {
        if (controller !== this.inFlight) return;
        this.inFlight = null;
        this.merge(page.items);
        // A window the server cut short continues where it stopped.
        this.until = page.nextFrom !== null && page.nextFrom > start && page.nextFrom < end ? page.nextFrom : end;
        this.publish();
        this.loadAhead();
      },
      () => {
        if (controller !== this.inFlight) return;
        this.inFlight = null;
        this.failedAt = this.time;
        this.publish();
      },
    );
  }

  private merge(items: readonly ReplayMessage[]): void {
    const fresh = items.filter((item) => !this.ids.has(item.id));
    if (fresh.length === 0) return;
    for (const item of fresh) this.ids.add(item.id);
    this.messages = [...this.messages, ...fresh].sort((a, b) => a.offsetSeconds - b.offsetSeconds || a.createdAt.localeCompare(b.createdAt));
    this.visibleCount = -1;
  }

  /** Recomputes what shows; listeners hear only about real changes (not every timeupdate). */
  private publish(): void {
    const count = upperBound(this.messages, this.time);
    const loading = this.inFlight !== null;
    const failed = this.failedAt !== null;
    if (count === this.visibleCount && loading === this.snapshot.loading && failed === this.snapshot.failed) return;
    const visible = count === this.visibleCount ? this.snapshot.visible : this.messages.slice(Math.max(0, count - this.maxVisible), count);
    this.visibleCount = count;
    this.snapshot = { visible, loading, failed };
    for (const listener of this.listeners) listener();
  }
}

/** How many messages have `offsetSeconds <= time` (the list is sorted by offset). */
function upperBound(messages: readonly ReplayMessage[], time: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (messages[mid]!.offsetSeconds <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}
