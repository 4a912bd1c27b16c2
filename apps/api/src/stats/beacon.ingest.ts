import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Beacon, BeaconAck } from '@onda/contracts';
import { Counter, metricOnce } from '@onda/observability';
import { AppError } from '../common/app-error.js';
import { API_METRICS, type ApiMetrics } from '../common/metrics.js';
import { applyBeacons, BUCKET_SECONDS } from './stats.aggregate.js';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';
import { StatsRepository, type QueuedBeacon } from './stats.repository.js';
import { StatsTargets } from './stats-targets.js';
import { PlaybackTicketService } from './playback-ticket.service.js';

/** What this node's ingest did since it started (the metrics endpoint may read it). */
export interface BeaconIngestCounters {
  /** Beacons taken into the buffer. */
  accepted: number;
  /** Beacons for unknown or long-ended sessions and VODs, or without a valid ticket (those also in `unticketed`). */
  ignored: number;
  /** Beacons dropped for a missing, forged, expired or foreign playback ticket (finding 9). */
  unticketed: number;
  /** Beacons refused by the per-address limit. */
  rateLimited: number;
  /** Beacons written (new playbackId + seq). */
  written: number;
  /** Retried beacons that were already stored. */
  duplicates: number;
  flushes: number;
  failedFlushes: number;
  /** Beacons lost after a failed write was retried once and failed again. */
  dropped: number;
}

interface Pending {
  beacons: QueuedBeacon[];
  reactions: Map<string, Map<number, number>>;
  retried: boolean;
}

/**
 * Beacon ingestion: requests only validate and buffer (the answer does not wait for the database); every
 * `flushIntervalMs` the buffer goes to PostgreSQL in one transaction with one multi-row statement per table
 * (StatsRepository.ingest). Everything that decides a count lives in PostgreSQL, so any number of API nodes can
 * take beacons of the same playback. A failed write is retried once with the next flush, then dropped (logged).
 */
@Injectable()
export class BeaconIngest implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Beacons');
  private pending: Pending = { beacons: [], reactions: new Map(), retried: false };
  private retry: Pending | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private window = { minute: -1, perIp: new Map<string, number>() };
  private readonly dropped: Counter<'reason'>;
  readonly counters: BeaconIngestCounters = { accepted: 0, ignored: 0, unticketed: 0, rateLimited: 0, written: 0, duplicates: 0, flushes: 0, failedFlushes: 0, dropped: 0 };

  constructor(
    private readonly repo: StatsRepository,
    private readonly targets: StatsTargets,
    private readonly tickets: PlaybackTicketService,
    @Inject(STATS_OPTIONS) private readonly options: StatsOptions,
    @Inject(API_METRICS) metrics: ApiMetrics,
  ) {
    const registry = metrics.registry;
    this.dropped = metricOnce(registry, 'onda_beacons_ignored_total', () => new Counter({
      name: 'onda_beacons_ignored_total', help: 'Beacons this API node ignored: no valid playback ticket, or an unknown or long-ended target', labelNames: ['reason'], registers: [registry],
    }));
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** Beacons still waiting for a flush. */
  get buffered(): number {
    return this.pending.beacons.length + (this.retry?.beacons.length ?? 0);
  }

  /** Validated beacons of one request from `ip`: counted against the address's limit, then buffered or ignored. */
  async accept(beacons: Beacon[], ip: string, country: string | null): Promise<BeaconAck> {
    this.limit(ip, beacons.length);
    if (this.buffered + beacons.length > this.options.maxBufferedBeacons) {
      throw new AppError('unavailable', 'Too many beacons waiting to be written; retry shortly', [{ path: 'retryAfter', message: '2' }]);
    }
    const receivedAt = this.options.now();
    // Only beacons of a playback the API issued a ticket for count; the rest are ignored exactly like beacons of an
    // unknown id, so a private session's id reveals nothing (finding 9).
    const ticketed = beacons.filter((b) => this.tickets.tickets.verifyBeacon(b, Math.floor(receivedAt / 1000)));
    const unticketed = beacons.length - ticketed.length;
    const targets = await this.targets.resolve(ticketed);
    const queued: QueuedBeacon[] = [];
    ticketed.forEach((beacon, i) => {
      const target = targets[i];
      // The ticket is not stored with the beacon: it is a credential, not a statistic.
      const { ticket: _ticket, ...plain } = beacon;
      if (target) queued.push({ beacon: plain, receivedAt, country, target });
    });
    const accepted = queued.length;
    this.counters.unticketed += unticketed;
    if (unticketed) this.dropped.inc({ reason: 'no_ticket' }, unticketed);
    if (ticketed.length > accepted) this.dropped.inc({ reason: 'unknown_target' }, ticketed.length - accepted);
    if (this.options.writeMode === 'per-beacon') {
      for (const q of queued) {
        const result = await this.repo.ingest([q], new Map(), applyBeacons);
        this.counters.written += result.inserted;
        this.counters.duplicates += result.duplicates;
      }
    } else this.pending.beacons.push(...queued);
    this.counters.accepted += accepted;
    this.counters.ignored += beacons.length - accepted;
    return { accepted, ignored: beacons.length - accepted };
  }

  /** One chat reaction during a live session, counted in the session's 10-second bucket of `atMs` (default now). */
  async countReaction(liveSessionId: string, atMs = this.options.now()): Promise<void> {
    const target = await this.targets.live(liveSessionId);
    if (!target) return;
    const bucket = Math.max(0, Math.floor((atMs - target.startMs) / 1000 / BUCKET_SECONDS));
    let counts = this.pending.reactions.get(liveSessionId);
    if (!counts) this.pending.reactions.set(liveSessionId, (counts = new Map()));
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }

  /** Writes everything buffered so far (waits for a write in progress first). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (!this.pending.beacons.length && !this.pending.reactions.size && !this.retry) return;
    this.running = this.write().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async write(): Promise<void> {
    const batches = [this.retry, this.pending].filter((b): b is Pending => b !== null && (b.beacons.length > 0 || b.reactions.size > 0));
    this.retry = null;
    this.pending = { beacons: [], reactions: new Map(), retried: false };
    for (const batch of batches) {
      try {
        const result = await this.repo.ingest(batch.beacons, batch.reactions, applyBeacons);
        this.counters.flushes++;
        this.counters.written += result.inserted;
        this.counters.duplicates += result.duplicates;
      } catch (error) {
        this.counters.failedFlushes++;
        // A target may have been deleted since it was looked up: look again before the retry.
        this.targets.clear();
        if (batch.retried) {
          this.counters.dropped += batch.beacons.length;
          this.logger.error(`dropping ${batch.beacons.length} beacons after a second failed write: ${(error as Error).message}`);
        } else {
          this.logger.warn(`writing ${batch.beacons.length} beacons failed, retrying with the next flush: ${(error as Error).message}`);
          this.retry = await this.revalidate(batch);
        }
      }
    }
  }

  /** The batch without beacons and reactions whose session or VOD no longer exists. */
  private async revalidate(batch: Pending): Promise<Pending> {
    const targets = await this.targets.resolve(batch.beacons.map((q) => q.beacon)).catch(() => batch.beacons.map((q) => q.target));
    const beacons = batch.beacons.filter((_, i) => targets[i] !== null);
    const reactions = new Map<string, Map<number, number>>();
    for (const [id, counts] of batch.reactions) if (await this.targets.live(id).catch(() => null)) reactions.set(id, counts);
    this.counters.dropped += batch.beacons.length - beacons.length;
    return { beacons, reactions, retried: true };
  }

  /** Fixed one-minute windows per client address on this node. */
  private limit(ip: string, count: number): void {
    const now = this.options.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.window.minute) this.window = { minute, perIp: new Map() };
    const used = (this.window.perIp.get(ip) ?? 0) + count;
    if (used > this.options.beaconsPerIpPerMinute) {
      this.counters.rateLimited += count;
      const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      throw new AppError('rate_limited', `Too many beacons from this address; retry in ${retryAfter} s`, [{ path: 'retryAfter', message: String(retryAfter) }]);
    }
    this.window.perIp.set(ip, used);
  }
}
