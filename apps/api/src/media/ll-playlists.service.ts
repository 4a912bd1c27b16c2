import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient } from '@onda/queue';
import { LlPlaylistModelSchema, type LlPlaylistModel } from '@onda/contracts';
import { llPosition, llSatisfies, type LlRequest } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import { API_OPTIONS, STORAGE, type ApiOptions, redisPrefix } from '../common/tokens.js';

const MAX_MODELS = 5000;
/** How long a node keeps an ended broadcast's model (the replay is then served from storage). */
const ENDED_KEEP_MS = 60_000;

interface Entry {
  model: LlPlaylistModel | null;
  at: number;
  waiters: Set<() => void>;
  loading?: Promise<void>;
}

/**
 * The live LL-HLS playlist models of every rendition, as the workers announce them, and the requests
 * blocked on them. With Redis every announcement reaches every API node (pub/sub), so a blocking
 * request is woken wherever it waits; a node that has not heard of a rendition yet reads the model
 * the worker stored (`ll.json`) once. No node polls storage.
 */
@Injectable()
export class LlPlaylistsService implements OnModuleDestroy {
  private readonly logger = new Logger('LlPlaylists');
  private readonly entries = new Map<string, Entry>();
  private readonly pub: Redis | null;
  private readonly sub: Redis | null;
  private readonly channel: string;
  private closing = false;

  constructor(
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.channel = `${redisPrefix(options)}:ll`;
    if (options.redisUrl) {
      this.pub = createRedisClient(options.redisUrl, 'request');
      this.sub = createRedisClient(options.redisUrl, 'subscriber');
      void this.sub.subscribe(this.channel).catch((err: unknown) => this.logger.error(`cannot subscribe to LL announcements: ${String(err)}`));
      this.sub.on('message', (_channel: string, message: string) => this.onMessage(message));
    } else {
      this.pub = this.sub = null;
    }
  }

  async onModuleDestroy(): Promise<void> {
    // Held requests end now (503) instead of keeping the shutdown waiting for their timeouts.
    this.closing = true;
    for (const e of this.entries.values()) for (const wake of [...e.waiters]) wake();
    await Promise.all([this.pub?.quit(), this.sub?.quit()].map((p) => p?.catch(() => undefined)));
  }

  /** A worker's announcement: applied here, and sent to every other node. */
  async announce(sessionId: string, model: LlPlaylistModel): Promise<void> {
    this.apply(sessionId, model);
    await this.pub?.publish(this.channel, JSON.stringify({ sessionId, model })).catch((err: unknown) => this.logger.warn(`LL announcement not shared: ${String(err)}`));
  }

  /** The newest model of a rendition: from memory, else the one its worker stored; null for normal-mode or unknown renditions. */
  async get(sessionId: string, rendition: string): Promise<LlPlaylistModel | null> {
    const key = `${sessionId}/${rendition}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { model: null, at: Date.now(), waiters: new Set() };
      this.remember(key, entry);
      const e = entry;
      entry.loading = this.load(sessionId, rendition).then((m) => {
        if (m && !this.newer(e.model, m)) return;
        if (m) e.model = m;
      });
    }
    await entry.loading;
    if (entry.model?.ended && Date.now() - entry.at > ENDED_KEEP_MS) this.entries.delete(key);
    return entry.model;
  }

  /** Waits until the rendition's playlist holds what `req` asks for; false after `timeoutMs`. */
  async wait(sessionId: string, rendition: string, req: LlRequest, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const key = `${sessionId}/${rendition}`;
    const entry = this.entries.get(key);
    if (!entry) return false;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        entry.waiters.delete(check);
        signal?.removeEventListener('abort', abort);
        resolve(ok);
      };
      const check = (): void => {
        if (entry.model && llSatisfies(entry.model, req)) done(true);
        else if (this.closing) done(false);
      };
      const abort = (): void => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', abort, { once: true });
      entry.waiters.add(check);
      check();
    });
  }

  private onMessage(message: string): void {
    try {
      const { sessionId, model } = JSON.parse(message) as { sessionId: string; model: unknown };
      const parsed = LlPlaylistModelSchema.safeParse(model);
      if (typeof sessionId === 'string' && parsed.success) this.apply(sessionId, parsed.data);
    } catch {
      // Not ours.
    }
  }

  private apply(sessionId: string, model: LlPlaylistModel): void {
    const key = `${sessionId}/${model.rendition}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { model: null, at: Date.now(), waiters: new Set() };
      this.remember(key, entry);
    }
    // Announcements can cross (two nodes, retries): never go back to an older model.
    if (!this.newer(entry.model, model)) return;
    entry.model = model;
    entry.at = Date.now();
    for (const wake of [...entry.waiters]) wake();
  }

  /** Whether `next` is at least as new as `current`. */
  private newer(current: LlPlaylistModel | null, next: LlPlaylistModel): boolean {
    if (!current) return true;
    if (current.ended && !next.ended) return false;
    if (next.ended) return true;
    const a = llPosition(current);
    const b = llPosition(next);
    if (!a || !b) return !!b || !a;
    return b.msn > a.msn || (b.msn === a.msn && b.part >= a.part);
  }

  private remember(key: string, entry: Entry): void {
    if (this.entries.size >= MAX_MODELS) {
      // Drop the least recently announced renditions that nobody waits on.
      const idle = [...this.entries].filter(([, e]) => e.waiters.size === 0).sort((x, y) => x[1].at - y[1].at);
      for (const [k] of idle.slice(0, Math.ceil(MAX_MODELS / 10))) this.entries.delete(k);
    }
    this.entries.set(key, entry);
  }

  private async load(sessionId: string, rendition: string): Promise<LlPlaylistModel | null> {
    const obj = await this.storage.get(`live/${sessionId}/${rendition}/ll.json`).catch(() => null);
    if (!obj) return null;
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(Buffer.from(c as Uint8Array));
    try {
      const parsed = LlPlaylistModelSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
