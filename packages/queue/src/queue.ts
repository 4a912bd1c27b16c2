import type { JobName, JobPayload } from '@onda/contracts';

export interface EnqueueOptions {
  /** A job id makes enqueueing idempotent: a second job with the same id is ignored while the first exists. */
  jobId?: string;
  /** Total attempts including the first (default 3). */
  attempts?: number;
  /** First retry delay; doubles per attempt (default 1000 ms). */
  backoffMs?: number;
}

export interface JobContext<N extends JobName> {
  id: string;
  name: N;
  payload: JobPayload<N>;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  /** Aborted when the consumer is closing: finish or checkpoint quickly. */
  signal: AbortSignal;
}

export type JobHandler<N extends JobName> = (job: JobContext<N>) => Promise<void>;

export interface ConsumeOptions {
  concurrency?: number;
}

export interface Consumer {
  /**
   * Takes no new jobs from now on; running handlers go on undisturbed (their signal is not aborted) and their
   * jobs settle as usual. A worker draining before shutdown pauses, lets work finish, then closes.
   */
  pause(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The job queue. Payloads are validated against `JobSchemas` on enqueue and again before the handler
 * runs. Two drivers: BullMQ on Redis (scale-out) and an in-process driver (embedded mode).
 */
export interface JobQueue {
  readonly driver: 'bullmq' | 'memory';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<void>;
  consume<N extends JobName>(name: N, handler: JobHandler<N>, options?: ConsumeOptions): Consumer;
  /** Jobs waiting or running, per name (for /metrics and tests). */
  counts(name: JobName): Promise<{ waiting: number; active: number; failed: number }>;
  close(): Promise<void>;
}
