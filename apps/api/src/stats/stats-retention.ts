import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';
import { StatsRepository } from './stats.repository.js';

const CHUNK = 5000;

/**
 * Raw beacons are kept `rawRetentionDays` (STATS_RAW_RETENTION_DAYS, default 7) for audits and re-aggregation, then
 * deleted; the aggregates (playbacks, minutes, buckets, ingest health) stay. Every API node runs the cleanup every
 * `cleanupIntervalMs`; a PostgreSQL advisory lock lets one node at a time do it, in chunks so no transaction is large.
 */
@Injectable()
export class StatsRetention implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('StatsRetention');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly repo: StatsRepository,
    @Inject(STATS_OPTIONS) private readonly options: StatsOptions,
  ) {}

  onModuleInit(): void {
    if (this.options.cleanupIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.run()
        .catch((e: unknown) => this.logger.warn(`cleanup failed: ${(e as Error).message}`))
        .finally(() => (this.running = null));
    }, this.options.cleanupIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Deletes raw beacons past the retention; `skipped` when another node holds the lock. */
  async run(): Promise<{ deleted: number; skipped: boolean }> {
    const cutoff = new Date(this.options.now() - this.options.rawRetentionDays * 86_400_000);
    let deleted = 0;
    for (;;) {
      const n = await this.repo.deleteRawChunk(cutoff, CHUNK);
      if (n === null) return { deleted, skipped: deleted === 0 };
      deleted += n;
      if (n < CHUNK) break;
    }
    if (deleted > 0) this.logger.log(`deleted ${deleted} raw beacons received before ${cutoff.toISOString()}`);
    return { deleted, skipped: false };
  }
}
