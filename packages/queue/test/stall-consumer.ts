// Child process for the stalled-job test: consumes `live` jobs with short lock settings, prints
// "started <jobId> <attempt>" when a job begins, then works "forever" until SIGKILLed.
// Run with: node --conditions=source --import jiti/register test/stall-consumer.ts <redisUrl> <prefix>
import { BullMqQueue } from '../src/bullmq.queue.js';

const [redisUrl, prefix] = process.argv.slice(2);
if (!redisUrl || !prefix) throw new Error('usage: stall-consumer.ts <redisUrl> <prefix>');

const queue = new BullMqQueue({ redisUrl, prefix, lockDurationMs: 1_000, stalledIntervalMs: 500, maxStalledCount: 2 });
queue.consume('live', async (job) => {
  console.log(`started ${job.id} ${job.attempt}`);
  await new Promise(() => undefined);
});
console.log('consuming');
