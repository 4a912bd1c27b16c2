import { describe, expect, it } from 'vitest';
import { MemoryQueue } from './memory.queue.js';
import { observeJobs, type JobObserver } from './observe.js';
import { describeQueueContract, eventually, liveJob } from './queue.contract.js';

describe(observeJobs.name, () => {
  // The wrapper is still a queue like any other.
  describeQueueContract(async () => observeJobs(new MemoryQueue(), { started: () => undefined, finished: () => undefined }));

  it('reports every handler run with its outcome and duration, retries included', async () => {
    const seen: string[] = [];
    const observer: JobObserver = {
      started: (name) => seen.push(`start ${name}`),
      finished: (name, outcome, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        seen.push(`${outcome} ${name}`);
      },
    };
    const inner = new MemoryQueue();
    const sut = observeJobs(inner, observer);
    expect(sut.driver).toBe('memory');
    let runs = 0;
    sut.consume('live', async () => {
      runs++;
      if (runs === 1) throw new Error('first attempt fails');
    });
    await sut.enqueue('live', liveJob(), { attempts: 2, backoffMs: 1 });
    await eventually(() => seen.length === 4);
    expect(seen).toEqual(['start live', 'failed live', 'start live', 'completed live']);
    expect(await sut.counts('live')).toEqual({ waiting: 0, active: 0, failed: 0 });
    await sut.close();
  });
});
