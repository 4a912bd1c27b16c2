import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueue } from '@onda/queue';
import { FakeWorkerApi } from '../test/fake-worker-api.js';
import { MemoryStorage } from '../test/memory-storage.js';
import { admitLiveJob, startWorker } from './worker.js';

describe(admitLiveJob.name, () => {
  const short = 'the server is short of CPU: the stream starts with fewer or lighter renditions';

  it('runs a job it can hold in full, and any job when it runs nothing else (nobody would do better)', () => {
    expect(admitLiveJob({ degradedReason: null, othersRunning: 3, attempt: 1 })).toBe(true);
    expect(admitLiveJob({ degradedReason: short, othersRunning: 0, attempt: 1 })).toBe(true);
  });

  it('hands a job back once when busy and short of CPU, then runs it lighter rather than never', () => {
    expect(admitLiveJob({ degradedReason: short, othersRunning: 1, attempt: 1 })).toBe(false);
    expect(admitLiveJob({ degradedReason: short, othersRunning: 1, attempt: 2 })).toBe(true);
  });
});

describe(`${startWorker.name} drain`, () => {
  let scratchDir: string;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'onda-drain-'));
  });
  afterEach(() => rm(scratchDir, { recursive: true, force: true }));

  /** A worker whose VOD encodes wait on the source download until `release()`. */
  const workerWithSlowVods = async () => {
    const storage = new MemoryStorage();
    let release!: () => void;
    const downloading = new Promise<void>((resolve) => (release = resolve));
    let downloads = 0;
    storage.get = async () => {
      downloads++;
      await downloading;
      return null;
    };
    const queue = new MemoryQueue({ closeTimeoutMs: 200 });
    const api = new FakeWorkerApi({ id: randomUUID(), state: 'live', publisherConnected: true });
    const sut = await startWorker({ queue, storage, api, config: { scratchDir, logger: pino({ level: 'silent' }) } });
    const vod = (): Promise<void> => queue.enqueue('vod-encode', { vodId: randomUUID(), sourceKey: 'vod/x/source.mp4', storagePrefix: `vod/${randomUUID()}` });
    return { sut, queue, vod, release, downloads: () => downloads };
  };

  it('takes no new job and lets the one in flight finish before the deadline', async () => {
    const { sut, queue, vod, release, downloads } = await workerWithSlowVods();
    await vod();
    await vi.waitFor(() => expect(downloads()).toBe(1));
    const drained = sut.drain(10_000);
    await vod();
    await sleep(300);
    expect(downloads()).toBe(1);
    expect(sut.active()).toBe(1);
    const before = Date.now();
    release();
    await drained;
    expect(Date.now() - before).toBeLessThan(2000);
    expect(sut.active()).toBe(0);
    expect((await queue.counts('vod-encode')).waiting).toBe(1);
    await sut.stop();
    await queue.close();
  });

  it('returns at the deadline with the job still running, which stop() then interrupts', async () => {
    const { sut, queue, vod, release } = await workerWithSlowVods();
    await vod();
    await vi.waitFor(() => expect(sut.active()).toBe(1));
    const before = Date.now();
    await sut.drain(500);
    expect(Date.now() - before).toBeGreaterThanOrEqual(450);
    expect(sut.active()).toBe(1);
    await sut.stop();
    release();
    await queue.close();
  });
});
