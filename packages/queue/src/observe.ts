import type { JobName } from '@onda/contracts';
import type { JobQueue } from './queue.js';

/** Told when a job handler starts and settles (metrics, tracing); must not throw. */
export interface JobObserver {
  started(name: JobName): void;
  /** `failed` covers a throw of any kind: a retry, the last attempt, or an interrupted live job. */
  finished(name: JobName, outcome: 'completed' | 'failed', seconds: number): void;
}

/**
 * The same queue, with every handler given to `consume` reported to `observer`. A wrapper rather than
 * a driver option, so both drivers behave alike and the queue package needs no metrics library.
 */
export function observeJobs(queue: JobQueue, observer: JobObserver): JobQueue {
  return {
    get driver() {
      return queue.driver;
    },
    enqueue: (name, payload, options) => queue.enqueue(name, payload, options),
    consume: (name, handler, options) =>
      queue.consume(name, async (job) => {
        const started = performance.now();
        observer.started(name);
        let outcome: 'completed' | 'failed' = 'failed';
        try {
          await handler(job);
          outcome = 'completed';
        } finally {
          observer.finished(name, outcome, (performance.now() - started) / 1000);
        }
      }, options),
    counts: (name) => queue.counts(name),
    close: () => queue.close(),
  };
}
