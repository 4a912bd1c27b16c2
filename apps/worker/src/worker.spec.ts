import { describe, expect, it } from 'vitest';
import { admitLiveJob } from './worker.js';

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
