import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobSchemas } from '@onda/contracts';
import { checkReadiness, liveSessionMetrics, queueDepthMetrics, storageCheck, type ReadinessCheck, type ReadinessReport } from '@onda/observability';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { API_METRICS, type ApiMetrics } from './common/metrics.js';
import { QUEUE, STORAGE } from './common/tokens.js';
import { HealthRepository } from './health.repository.js';

/** Readiness of the API's dependencies, and the gauges read from them at scrape time. */
@Injectable()
export class HealthService implements OnModuleInit {
  private readonly logger = new Logger('Health');
  private readonly checks: ReadinessCheck[];

  constructor(
    private readonly repo: HealthRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
    @Inject(STORAGE) storage: ObjectStorage,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
  ) {
    this.checks = [
      { name: 'database', check: () => repo.ping() },
      // The queue's Redis (also the chat's and the rate limiter's when REDIS_URL is set); nothing to reach in embedded mode.
      ...(queue.driver === 'bullmq' ? [{ name: 'redis', check: () => queue.counts('live') }] : []),
      storageCheck(storage),
    ];
  }

  onModuleInit(): void {
    liveSessionMetrics(this.metrics.registry, () => this.repo.openSessionCounts());
    queueDepthMetrics(this.metrics.registry, this.queue, Object.keys(JobSchemas));
  }

  /** Every dependency checked in parallel, each within 3 s; failures are logged with their cause. */
  async readiness(): Promise<ReadinessReport> {
    const report = await checkReadiness(this.checks);
    for (const c of report.checks) {
      if (!c.ok) this.logger.warn(`not ready: ${c.name} ${c.reason}: ${(c.error as Error)?.message ?? String(c.error)}`);
    }
    return report;
  }
}
