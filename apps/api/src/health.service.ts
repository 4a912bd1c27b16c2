import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobSchemas } from '@onda/contracts';
import { CheckFailure, checkReadiness, liveSessionMetrics, queueDepthMetrics, storageCheck, type ReadinessCheck, type ReadinessReport } from '@onda/observability';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { API_METRICS, type ApiMetrics } from './common/metrics.js';
import { QUEUE, STORAGE } from './common/tokens.js';
import { HealthRepository } from './health.repository.js';

const DRAINING: ReadinessCheck = {
  name: 'drain',
  check: () => Promise.reject(new CheckFailure('draining')),
};

/** Readiness of the API's dependencies, and the gauges read from them at scrape time. */
@Injectable()
export class HealthService implements OnModuleInit {
  private readonly logger = new Logger('Health');
  private readonly checks: ReadinessCheck[];
  private draining = false;

  constructor(
    private readonly repo: HealthRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
    @Inject(STORAGE) storage: ObjectStorage,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
  ) {
    this.checks = [
      { name: 'database', check: () => repo.ping() },
      // The queue's Redis (also the chat's and the rate limiter's when REDIS_URL is set); nothing to reach in embedded mode.
      // Redis and storage are shared by every API node: losing them degrades this node (reported here) but
      // leaves it in the balancer, since no other node would do better. The database still takes it out.
      ...(queue.driver === 'bullmq' ? [{ name: 'redis', degradesOnly: true, check: () => queue.counts('live') }] : []),
      { ...storageCheck(storage), degradesOnly: true },
    ];
  }

  /** From now on /readyz answers 503 (`drain: draining`) while the node finishes what it has. */
  startDraining(): void {
    this.draining = true;
  }

  onModuleInit(): void {
    liveSessionMetrics(this.metrics.registry, () => this.repo.openSessionCounts());
    queueDepthMetrics(this.metrics.registry, this.queue, Object.keys(JobSchemas));
  }

  /** Every dependency checked in parallel, each within 3 s; failures are logged with their cause. */
  async readiness(): Promise<ReadinessReport> {
    // Once SIGTERM came, `drain` fails first: load balancers and Kubernetes stop sending new requests here.
    const report = await checkReadiness(this.draining ? [DRAINING, ...this.checks] : this.checks);
    for (const c of report.checks) {
      if (!c.ok) this.logger.warn(`not ready: ${c.name} ${c.reason}: ${(c.error as Error)?.message ?? String(c.error)}`);
    }
    return report;
  }
}
