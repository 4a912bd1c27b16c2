export type { ConsumeOptions, Consumer, EnqueueOptions, JobContext, JobHandler, JobQueue } from './queue.js';
export { JobPayloadError, parseJobPayload } from './validate.js';
export { MemoryQueue, type MemoryQueueOptions } from './memory.queue.js';
export { BullMqQueue, type BullMqQueueOptions } from './bullmq.queue.js';
export { createQueue, type QueueConfig } from './create-queue.js';
export { observeJobs, type JobObserver } from './observe.js';
export { createRedisClient, type RedisUse } from './redis.js';
