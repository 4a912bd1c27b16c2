import type { JobName, JobPayload } from '@onda/contracts';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisClient } from './redis.js';
import { waitAll } from './memory.queue.js';
import type { ConsumeOptions, Consumer, EnqueueOptions, JobHandler, JobQueue } from './queue.js';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, JobPayloadError, parseJobPayload } from './validate.js';

/**
 * Redis driver settings. Defaults suit jobs that run for hours (a live job lasts the whole broadcast):
 *
 * - `lockDurationMs` 30 s: the worker renews each job's lock every lockDuration/2 for as long as the
 *   handler runs, so a job's length is unlimited; only a worker that stops renewing (killed, frozen
 *   event loop, lost Redis) loses the lock. Live handlers do their heavy work in an ffmpeg child
 *   process, so the event loop stays free to renew.
 * - `stalledIntervalMs` 30 s: how often workers look for jobs whose lock expired; a job of a dead
 *   worker goes back to `wait` within lockDuration + stalledInterval (about a minute) and another
 *   worker picks it up (with `attempt` incremented).
 * - `maxStalledCount` 3: a job can be recovered from 3 dead workers before it is failed, so one
 *   crashing broadcast cannot take down worker after worker forever.
 */
export interface BullMqQueueOptions {
  redisUrl: string;
  /** Redis key prefix; tests use a random one (default `onda`). */
  prefix?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** How long close() waits for running handlers after aborting their signal (default 30 s). */
  closeTimeoutMs?: number;
  /** Failed jobs kept per name (default 1000, 7 days); a kept failed job still blocks its jobId. */
  keepFailed?: number;
}

class BullMqConsumer implements Consumer {
  private closing: Promise<void> | undefined;

  constructor(
    readonly abort: AbortController,
    private readonly state: { paused: boolean },
    readonly worker: Worker,
    private readonly connection: Redis,
    private readonly closeTimeoutMs: number,
    private readonly onClosed: (consumer: BullMqConsumer) => void,
  ) {}

  async pause(): Promise<void> {
    this.state.paused = true;
    // doNotWaitActive: stop fetching at once; the active jobs keep their locks and run to their end.
    await this.worker.pause(true);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort(new Error('consumer closing'));
      // Graceful close stops fetching and waits for active jobs; past the timeout, force it (the jobs'
      // locks then expire and the stalled checker hands them to another worker).
      const graceful = this.worker.close();
      await waitAll([graceful], this.closeTimeoutMs);
      await this.worker.close(true).catch(() => undefined);
      await graceful.catch(() => undefined);
      await this.connection.quit().catch(() => this.connection.disconnect());
      this.onClosed(this);
    })();
    return this.closing;
  }
}

/** BullMQ driver (scale-out mode): jobs in Redis, any number of worker processes. */
export class BullMqQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  readonly prefix: string;
  private readonly options: Required<Omit<BullMqQueueOptions, 'prefix'>>;
  private readonly connection: Redis;
  private readonly queues = new Map<JobName, Queue>();
  private readonly consumers = new Set<BullMqConsumer>();
  private closed = false;

  constructor(options: BullMqQueueOptions) {
    this.prefix = options.prefix ?? 'onda';
    this.options = {
      redisUrl: options.redisUrl,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
      closeTimeoutMs: options.closeTimeoutMs ?? 30_000,
      keepFailed: options.keepFailed ?? 1000,
    };
    // The producer connection fails fast (default retries per request) so an API request does not hang
    // while Redis is down; worker connections below retry forever, as BullMQ requires.
    this.connection = createRedisClient(options.redisUrl, 'producer');
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('BullMqQueue is closed');
    const parsed = parseJobPayload(name, payload);
    // With a jobId BullMQ ignores the add while a job with that id exists (waiting, active, delayed or
    // kept as failed); completed jobs are removed at once, so the id is free again after success.
    await this.queue(name).add(name, parsed, {
      jobId: options.jobId,
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { count: this.options.keepFailed, age: 7 * 24 * 3600 },
    });
  }

  consume<N extends JobName>(name: N, handler: JobHandler<N>, options: ConsumeOptions = {}): Consumer {
    if (this.closed) throw new Error('BullMqQueue is closed');
    const connection = createRedisClient(this.options.redisUrl, 'subscriber');
    const abort = new AbortController();
    const state = { paused: false };
    const worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        if (state.paused) {
          // A fetch already under way when the consumer paused still delivers a job: back to wait, for another consumer.
          await job.moveToWait(token);
          throw new WaitingError();
        }
        let payload: JobPayload<N>;
        try {
          payload = parseJobPayload(name, job.data);
        } catch (err) {
          // A payload that fails its schema never becomes valid: fail without retries.
          if (err instanceof JobPayloadError) throw new UnrecoverableError(err.message);
          throw err;
        }
        await handler({
          id: job.id!,
          name,
          payload,
          // attemptsStarted also counts runs lost to a dead worker, which attemptsMade does not.
          attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1),
          signal: abort.signal,
        });
      },
      {
        connection,
        prefix: this.prefix,
        concurrency: Math.max(1, options.concurrency ?? 1),
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.maxStalledCount,
        autorun: true,
      },
    );
    // Errors are reported per job (failed state); this only keeps connection hiccups from crashing the process.
    worker.on('error', (err) => console.error(`[queue] worker "${name}" error: ${err.message}`));
    const consumer = new BullMqConsumer(abort, state, worker, connection, this.options.closeTimeoutMs, (c) => this.consumers.delete(c));
    this.consumers.add(consumer);
    return consumer;
  }

  async counts(name: JobName): Promise<{ waiting: number; active: number; failed: number }> {
    const counts = await this.queue(name).getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed');
    return {
      waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  /** Deletes every key of this prefix's queues (tests and dev resets). */
  async obliterate(): Promise<void> {
    for (const queue of this.queues.values()) await queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private queue(name: JobName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (err) => console.error(`[queue] queue "${name}" error: ${err.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }
}
