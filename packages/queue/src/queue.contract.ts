// The behaviour every JobQueue driver must share, run by each driver's own spec file.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobPayload } from '@onda/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext, JobQueue } from './queue.js';
import { JobPayloadError } from './validate.js';

/** A valid `live` job payload. */
export function liveJob(overrides: Partial<JobPayload<'live'>> = {}): JobPayload<'live'> {
  return {
    sessionId: randomUUID(),
    channelId: randomUUID(),
    pullUrl: 'rtmp://127.0.0.1/live/abc',
    source: { width: 1280, height: 720, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' },
    profile: 'default',
    passthrough: false,
    segmentSeconds: 2,
    storagePrefix: 'live/abc',
    ...overrides,
  };
}

/** Polls until `check` returns true or fails the test after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Registers the shared queue tests; `create` gives a fresh, empty queue (closed by the suite). */
export function describeQueueContract(create: () => Promise<JobQueue>): void {
  describe('JobQueue contract', () => {
    let sut: JobQueue;
    const open: JobQueue[] = [];
    const fresh = async () => {
      const queue = await create();
      open.push(queue);
      return queue;
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.close()));
    });

    it('delivers an enqueued job with its parsed payload', async () => {
      sut = await fresh();
      const seen: JobContext<'live'>[] = [];
      sut.consume('live', async (job) => {
        seen.push(job);
      });
      const payload = liveJob();
      await sut.enqueue('live', payload, { jobId: payload.sessionId });
      await eventually(() => seen.length === 1, 10_000, 'the job');
      expect(seen[0]).toMatchObject({ id: payload.sessionId, name: 'live', attempt: 1, payload });
      expect(seen[0]!.signal.aborted).toBe(false);
      await eventually(async () => (await sut.counts('live')).active === 0, 5_000, 'completion');
      expect(await sut.counts('live')).toEqual({ waiting: 0, active: 0, failed: 0 });
    });

    it('applies schema defaults to the payload', async () => {
      sut = await fresh();
      const seen: number[] = [];
      sut.consume('live', async (job) => {
        seen.push(job.payload.segmentSeconds);
      });
      const { segmentSeconds: _omitted, ...withoutSegment } = liveJob();
      await sut.enqueue('live', withoutSegment as JobPayload<'live'>);
      await eventually(() => seen.length === 1);
      expect(seen).toEqual([2]);
    });

    it('rejects an invalid payload on enqueue with a clear error and queues nothing', async () => {
      sut = await fresh();
      const bad = { ...liveJob(), sessionId: 'not-a-uuid', pullUrl: 'http://nope' };
      const attempt = sut.enqueue('live', bad);
      await expect(attempt).rejects.toBeInstanceOf(JobPayloadError);
      await expect(sut.enqueue('live', bad)).rejects.toThrow(/invalid payload for job "live": .*sessionId.*pullUrl/);
      await expect(sut.enqueue('live', {} as never)).rejects.toThrow(/channelId/);
      expect((await sut.counts('live')).waiting).toBe(0);
    });

    it('retries a failing job with exponential backoff, then succeeds', async () => {
      sut = await fresh();
      const runs: { attempt: number; at: number }[] = [];
      let done = false;
      sut.consume('live', async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
        done = true;
      });
      await sut.enqueue('live', liveJob(), { attempts: 3, backoffMs: 150 });
      await eventually(() => done, 15_000, 'the third attempt');
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(140);
      expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(290);
      await eventually(async () => (await sut.counts('live')).active === 0);
      expect((await sut.counts('live')).failed).toBe(0);
    });

    it('marks a job failed once its attempts are used up', async () => {
      sut = await fresh();
      let runs = 0;
      sut.consume('live', async () => {
        runs += 1;
        throw new Error('always broken');
      });
      await sut.enqueue('live', liveJob(), { attempts: 2, backoffMs: 50 });
      await eventually(async () => (await sut.counts('live')).failed === 1, 10_000, 'the failure');
      expect(runs).toBe(2);
      expect(await sut.counts('live')).toEqual({ waiting: 0, active: 0, failed: 1 });
    });

    it('runs at most `concurrency` jobs at once, in FIFO order', async () => {
      sut = await fresh();
      const payloads = Array.from({ length: 6 }, (_, i) => liveJob({ storagePrefix: `live/job-${i}` }));
      for (const payload of payloads) await sut.enqueue('live', payload);
      expect((await sut.counts('live')).waiting).toBe(6);
      let running = 0;
      let peak = 0;
      const started: string[] = [];
      sut.consume(
        'live',
        async (job) => {
          started.push(job.payload.storagePrefix);
          running += 1;
          peak = Math.max(peak, running);
          await sleep(150);
          running -= 1;
        },
        { concurrency: 2 },
      );
      await eventually(() => started.length === 6 && running === 0, 15_000, 'all six jobs');
      expect(peak).toBe(2);
      expect(started).toEqual(payloads.map((p) => p.storagePrefix));
    });

    it('ignores a second job with the same jobId while the first exists, accepts it after completion', async () => {
      sut = await fresh();
      const payload = liveJob();
      await sut.enqueue('live', payload, { jobId: payload.sessionId });
      await sut.enqueue('live', { ...payload, storagePrefix: 'live/duplicate' }, { jobId: payload.sessionId });
      expect((await sut.counts('live')).waiting).toBe(1);
      const seen: string[] = [];
      sut.consume('live', async (job) => {
        seen.push(job.payload.storagePrefix);
      });
      await eventually(() => seen.length === 1);
      expect(seen).toEqual(['live/abc']);
      await eventually(async () => (await sut.counts('live')).active === 0);
      await sut.enqueue('live', { ...payload, storagePrefix: 'live/again' }, { jobId: payload.sessionId });
      await eventually(() => seen.length === 2);
      expect(seen).toEqual(['live/abc', 'live/again']);
    });

    it('aborts the signal of running jobs on consumer close and waits for them', async () => {
      sut = await fresh();
      let started = false;
      let finished = false;
      let abortedWith: unknown;
      const consumer = sut.consume('live', async (job) => {
        started = true;
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
        abortedWith = job.signal.reason;
        await sleep(100); // checkpoint work after the abort must still be awaited by close()
        finished = true;
      });
      await sut.enqueue('live', liveJob());
      await eventually(() => started, 10_000, 'the job to start');
      await consumer.close();
      expect(abortedWith).toBeInstanceOf(Error);
      expect(finished).toBe(true);
    });

    it('takes no new jobs once paused while the running one goes on, and leaves them to another consumer', async () => {
      sut = await fresh();
      const first: string[] = [];
      let release!: () => void;
      const running = new Promise<void>((resolve) => (release = resolve));
      let signal: AbortSignal | undefined;
      const consumer = sut.consume('live', async (job) => {
        first.push(job.payload.storagePrefix);
        signal = job.signal;
        await running;
      }, { concurrency: 2 });
      await sut.enqueue('live', liveJob({ storagePrefix: 'live/one' }));
      await eventually(() => first.length === 1, 10_000, 'the first job');
      await consumer.pause();
      await sut.enqueue('live', liveJob({ storagePrefix: 'live/two' }));
      await sleep(500);
      expect(first).toEqual(['live/one']);
      expect(signal!.aborted).toBe(false);
      const second: string[] = [];
      sut.consume('live', async (job) => void second.push(job.payload.storagePrefix));
      await eventually(() => second.length === 1, 10_000, 'the other consumer');
      expect(second).toEqual(['live/two']);
      release();
      await eventually(async () => (await sut.counts('live')).active === 0, 5_000, 'the first job to complete');
      expect(await sut.counts('live')).toEqual({ waiting: 0, active: 0, failed: 0 });
    });

    it('aborts running jobs when the whole queue closes', async () => {
      sut = await fresh();
      let signal: AbortSignal | undefined;
      sut.consume('live', async (job) => {
        signal = job.signal;
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      });
      await sut.enqueue('live', liveJob());
      await eventually(() => signal !== undefined, 10_000, 'the job to start');
      expect((await sut.counts('live')).active).toBe(1);
      await sut.close();
      expect(signal!.aborted).toBe(true);
      await expect(sut.enqueue('live', liveJob())).rejects.toThrow(/closed/);
    });
  });
}
