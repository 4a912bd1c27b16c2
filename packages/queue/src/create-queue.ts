import { BullMqQueue, type BullMqQueueOptions } from './bullmq.queue.js';
import { MemoryQueue, type MemoryQueueOptions } from './memory.queue.js';
import type { JobQueue } from './queue.js';

/** Queue settings: `redisUrl` selects BullMQ, its absence the in-process driver. */
export type QueueConfig = ({ redisUrl: string } & Omit<BullMqQueueOptions, 'redisUrl'>) | ({ redisUrl?: null | undefined } & MemoryQueueOptions);

/** Creates the BullMQ driver when `redisUrl` is given, the in-process driver otherwise. */
export function createQueue(config: QueueConfig = {}): JobQueue {
  if (config.redisUrl) return new BullMqQueue({ ...config, redisUrl: config.redisUrl });
  return new MemoryQueue(config as MemoryQueueOptions);
}
