import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BullMqQueue, type BullMqQueueOptions } from './bullmq.queue.js';
import { createQueue } from './create-queue.js';
import { MemoryQueue } from './memory.queue.js';
import { describeQueueContract, eventually, liveJob } from './queue.contract.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_PREFIX = `onda-test-${randomUUID().slice(0, 8)}`;
let counter = 0;
const freshPrefix = () => `${RUN_PREFIX}-${counter++}`;

/** Deletes every key this test run created (all prefixes start with RUN_PREFIX). */
async function deleteRunKeys(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${RUN_PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

const fastOptions = (prefix: string): BullMqQueueOptions => ({
  redisUrl: REDIS_URL,
  prefix,
  lockDurationMs: 1_000,
  stalledIntervalMs: 500,
  maxStalledCount: 2,
  closeTimeoutMs: 5_000,
});

describe(BullMqQueue.name, () => {
  afterAll(async () => {
    await deleteRunKeys();
  });

  describeQueueContract(async () => new BullMqQueue({ redisUrl: REDIS_URL, prefix: freshPrefix(), closeTimeoutMs: 5_000 }));

  describe('Redis specifics', () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    });

    it('fails a job whose stored payload no longer matches its schema, without calling the handler', async () => {
      const prefix = freshPrefix();
      // A producer that bypasses validation (an older release, a hand-edited job).
      const raw = new Queue('live', { connection: { url: REDIS_URL }, prefix });
      cleanup.push(() => raw.close());
      await raw.add('live', { ...liveJob(), sessionId: 'garbage' }, { attempts: 3 });
      const sut = new BullMqQueue(fastOptions(prefix));
      cleanup.push(() => sut.close());
      let called = false;
      sut.consume('live', async () => {
        called = true;
      });
      await eventually(async () => (await sut.counts('live')).failed === 1, 10_000, 'the failure');
      expect(called).toBe(false);
      const [failed] = await raw.getFailed();
      expect(failed?.failedReason).toMatch(/invalid payload for job "live": sessionId/);
      expect(failed?.attemptsMade).toBe(1);
    });

    it('hands the job of a SIGKILLed worker process to another consumer', async () => {
      const prefix = freshPrefix();
      const sut = new BullMqQueue(fastOptions(prefix));
      cleanup.push(() => sut.close());
      const payload = liveJob();
      await sut.enqueue('live', payload, { jobId: payload.sessionId });

      const child = spawnStallConsumer(prefix);
      cleanup.push(async () => child.kill('SIGKILL'));
      const startedLine = await waitForLine(child, /^started (\S+) (\d+)$/m, 20_000);
      expect(startedLine[1]).toBe(payload.sessionId);
      expect(startedLine[2]).toBe('1');
      expect((await sut.counts('live')).active).toBe(1);

      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      const recovered: { id: string; attempt: number; sessionId: string }[] = [];
      sut.consume('live', async (job) => {
        recovered.push({ id: job.id, attempt: job.attempt, sessionId: job.payload.sessionId });
      });
      // lockDuration (1 s) + stalledInterval (0.5 s) + slack.
      await eventually(() => recovered.length === 1, 10_000, 'the stalled job to be picked up again');
      expect(recovered[0]).toEqual({ id: payload.sessionId, attempt: 2, sessionId: payload.sessionId });
      await eventually(async () => (await sut.counts('live')).active === 0);
      expect(await sut.counts('live')).toEqual({ waiting: 0, active: 0, failed: 0 });
    }, 40_000);

    it('keeps a job running past its lock duration by renewing the lock', async () => {
      const prefix = freshPrefix();
      const sut = new BullMqQueue(fastOptions(prefix));
      cleanup.push(() => sut.close());
      const attempts: number[] = [];
      let finished = false;
      sut.consume('live', async (job) => {
        attempts.push(job.attempt);
        await new Promise((resolve) => setTimeout(resolve, 3_500)); // 3.5 x lockDuration
        finished = true;
      });
      await sut.enqueue('live', liveJob());
      await eventually(() => finished, 15_000, 'the long job');
      await eventually(async () => (await sut.counts('live')).active === 0);
      expect(attempts).toEqual([1]);
      expect((await sut.counts('live')).failed).toBe(0);
    }, 30_000);
  });
});

describe(createQueue.name, () => {
  it('chooses BullMQ when redisUrl is given and memory otherwise', async () => {
    const memory = createQueue({});
    const bull = createQueue({ redisUrl: REDIS_URL, prefix: freshPrefix() });
    expect(memory).toBeInstanceOf(MemoryQueue);
    expect(bull).toBeInstanceOf(BullMqQueue);
    expect(bull.driver).toBe('bullmq');
    expect(createQueue().driver).toBe('memory');
    await Promise.all([memory.close(), bull.close()]);
  });
});

function spawnStallConsumer(prefix: string): ChildProcess {
  const script = fileURLToPath(new URL('../test/stall-consumer.ts', import.meta.url));
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  // jiti's loader runs the TypeScript sources; `source` resolves @onda/contracts to its sources too.
  return spawn(process.execPath, ['--conditions=source', '--import', 'jiti/register', script, REDIS_URL, prefix], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before printing ${pattern}:\n${output}`));
    });
  });
}
