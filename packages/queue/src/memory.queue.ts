import type { JobName, JobPayload } from '@onda/contracts';
import type { ConsumeOptions, Consumer, EnqueueOptions, JobHandler, JobQueue } from './queue.js';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, JobPayloadError, parseJobPayload } from './validate.js';

/** Tuning of the in-process driver. */
export interface MemoryQueueOptions {
  /** How long close() waits for running handlers after aborting their signal (default 30 s). */
  closeTimeoutMs?: number;
  /** Failed jobs kept per name for counts and jobId dedupe (default 1000, like the BullMQ driver). */
  keepFailed?: number;
}

interface MemoryJob {
  id: string;
  name: JobName;
  payload: unknown;
  attempt: number;
  attempts: number;
  backoffMs: number;
}

interface Lane {
  waiting: MemoryJob[];
  delayed: Map<MemoryJob, NodeJS.Timeout>;
  active: Set<MemoryJob>;
  failed: MemoryJob[];
  consumers: MemoryConsumer[];
}

class MemoryConsumer implements Consumer {
  readonly abort = new AbortController();
  readonly running = new Set<Promise<void>>();
  closed = false;
  paused = false;

  constructor(
    readonly concurrency: number,
    readonly handler: JobHandler<JobName>,
    private readonly onClose: (consumer: MemoryConsumer) => Promise<void>,
    private readonly onPause: () => void,
  ) {}

  async pause(): Promise<void> {
    this.paused = true;
    // Jobs it would have taken go to another consumer of the same name, if there is one.
    this.onPause();
  }

  close(): Promise<void> {
    return this.onClose(this);
  }
}

/**
 * In-process driver (embedded mode): FIFO per job name, per-consumer concurrency, exponential backoff
 * retries, jobId dedupe. Jobs live in memory only: a restart loses them, which embedded mode accepts
 * because live sessions are recovered from the database on start.
 */
export class MemoryQueue implements JobQueue {
  readonly driver = 'memory' as const;
  private readonly lanes = new Map<JobName, Lane>();
  /** Ids of jobs that still exist (waiting, delayed, active or kept as failed). */
  private readonly ids = new Set<string>();
  private readonly closeTimeoutMs: number;
  private readonly keepFailed: number;
  private nextId = 1;
  private closed = false;

  constructor(options: MemoryQueueOptions = {}) {
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.keepFailed = options.keepFailed ?? 1000;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('MemoryQueue is closed');
    const parsed = parseJobPayload(name, payload);
    const id = options.jobId ?? `mem-${this.nextId++}`;
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.lane(name).waiting.push({
      id,
      name,
      payload: parsed,
      attempt: 1,
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    });
    this.pump(name);
  }

  consume<N extends JobName>(name: N, handler: JobHandler<N>, options: ConsumeOptions = {}): Consumer {
    if (this.closed) throw new Error('MemoryQueue is closed');
    const consumer = new MemoryConsumer(Math.max(1, options.concurrency ?? 1), handler as unknown as JobHandler<JobName>, (c) =>
      this.closeConsumer(name, c), () => this.pump(name),
    );
    this.lane(name).consumers.push(consumer);
    // Start on the next tick so a consume() right before enqueue() sees the same order as BullMQ.
    queueMicrotask(() => this.pump(name));
    return consumer;
  }

  async counts(name: JobName): Promise<{ waiting: number; active: number; failed: number }> {
    const lane = this.lanes.get(name);
    if (!lane) return { waiting: 0, active: 0, failed: 0 };
    return { waiting: lane.waiting.length + lane.delayed.size, active: lane.active.size, failed: lane.failed.length };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing: Promise<void>[] = [];
    for (const [name, lane] of this.lanes) {
      for (const timer of lane.delayed.values()) clearTimeout(timer);
      lane.delayed.clear();
      for (const consumer of [...lane.consumers]) closing.push(this.closeConsumer(name, consumer));
    }
    await Promise.all(closing);
  }

  private lane(name: JobName): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { waiting: [], delayed: new Map(), active: new Set(), failed: [], consumers: [] };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  /** Hands waiting jobs, oldest first, to consumers with a free slot. */
  private pump(name: JobName): void {
    const lane = this.lane(name);
    for (const consumer of lane.consumers) {
      while (!consumer.closed && !consumer.paused && consumer.running.size < consumer.concurrency && lane.waiting.length > 0) {
        const job = lane.waiting.shift()!;
        const run = this.run(lane, consumer, job).finally(() => {
          consumer.running.delete(run);
          this.pump(name);
        });
        consumer.running.add(run);
      }
    }
  }

  private async run(lane: Lane, consumer: MemoryConsumer, job: MemoryJob): Promise<void> {
    lane.active.add(job);
    try {
      const payload = parseJobPayload(job.name, job.payload);
      await consumer.handler({ id: job.id, name: job.name, payload, attempt: job.attempt, signal: consumer.abort.signal });
      this.ids.delete(job.id);
    } catch (err) {
      if (err instanceof JobPayloadError || job.attempt >= job.attempts || this.closed) {
        this.fail(lane, job);
      } else {
        const delay = job.backoffMs * 2 ** (job.attempt - 1);
        const retry = { ...job, attempt: job.attempt + 1 };
        const timer = setTimeout(() => {
          lane.delayed.delete(retry);
          lane.waiting.push(retry);
          this.pump(job.name);
        }, delay);
        lane.delayed.set(retry, timer);
      }
    } finally {
      lane.active.delete(job);
    }
  }

  private fail(lane: Lane, job: MemoryJob): void {
    lane.failed.push(job);
    if (lane.failed.length > this.keepFailed) this.ids.delete(lane.failed.shift()!.id);
  }

  /** Aborts the consumer's signal, stops giving it jobs, and waits (bounded) for its running handlers. */
  private async closeConsumer(name: JobName, consumer: MemoryConsumer): Promise<void> {
    if (consumer.closed) return;
    consumer.closed = true;
    consumer.abort.abort(new Error('consumer closing'));
    const lane = this.lane(name);
    lane.consumers = lane.consumers.filter((c) => c !== consumer);
    await waitAll([...consumer.running], this.closeTimeoutMs);
    // Jobs another consumer can still take.
    this.pump(name);
  }
}

/** Resolves when all settle or after `timeoutMs`, whichever comes first. */
export async function waitAll(running: Promise<unknown>[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(running),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
