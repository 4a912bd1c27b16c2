import { describe, expect, it } from 'vitest';
import { MemoryQueue } from './memory.queue.js';
import { describeQueueContract, eventually, liveJob } from './queue.contract.js';

describe(MemoryQueue.name, () => {
  describeQueueContract(async () => new MemoryQueue());

  it('gives up waiting for a handler that ignores the abort after closeTimeoutMs', async () => {
    const sut = new MemoryQueue({ closeTimeoutMs: 100 });
    let started = false;
    sut.consume('live', async () => {
      started = true;
      await new Promise(() => undefined); // never settles
    });
    await sut.enqueue('live', liveJob());
    await eventually(() => started);
    const before = Date.now();
    await sut.close();
    expect(Date.now() - before).toBeGreaterThanOrEqual(90);
    expect(Date.now() - before).toBeLessThan(2_000);
  });

  it('hands the remaining jobs to another consumer when one closes', async () => {
    const sut = new MemoryQueue();
    const first = sut.consume('live', async () => undefined);
    await first.close();
    const seen: string[] = [];
    await sut.enqueue('live', liveJob());
    sut.consume('live', async (job) => {
      seen.push(job.id);
    });
    await eventually(() => seen.length === 1);
    await sut.close();
  });
});
