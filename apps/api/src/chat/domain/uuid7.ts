import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUID v7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids made in the
 * same millisecond by this process increasing, then random bits. Its hex string sorts by time, so
 * message ids order history and reconnect replay (`since`) without another column.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    // Start low in the counter space so a burst within one millisecond rarely overflows it.
    counter = randomBytes(2).readUInt16BE(0) & 0x3ff;
  } else {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  }
  const rand = randomBytes(8);
  const ms = lastMs.toString(16).padStart(12, '0');
  const a = (0x7000 | counter).toString(16);
  rand[0] = (rand[0]! & 0x3f) | 0x80;
  const b = rand.toString('hex');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${a}-${b.slice(0, 4)}-${b.slice(4, 16)}`;
}
