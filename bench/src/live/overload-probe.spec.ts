import { describe, expect, it } from 'vitest';
import { describeOverload, overloadEvents, overloadMetrics } from './overload-probe.js';

const log = [
  '{"level":30,"time":1000,"jobId":"7","liveSessionId":"s1","plannedCores":1.8,"freeCores":2,"capacity":2,"msg":"live job admitted"}',
  'Onda API listening on 8080',
  '{"level":40,"time":2000,"jobId":"7","liveSessionId":"s1","action":"shed","level":1,"reason":"speed 0.91 < 0.97 for 10 s","run":1,"msg":"broadcast cannot keep real time: shedding load"}',
  '{"level":40,"time":3000,"jobId":"8","liveSessionId":"s2","freeCores":0.1,"reason":"short of CPU","msg":"declining a live job this worker cannot hold in full"}',
  '{"level":40,"time":9000,"liveSessionId":"s1","action":"restore","level":0,"reason":"speed 1.2","run":2,"msg":"capacity is back: stepping up"}',
].join('\n');

describe(overloadEvents.name, () => {
  it('finds steps (with the step reached, not pino\'s level) and admission decisions in the worker log', () => {
    expect(overloadEvents(log)).toEqual([
      { at: 1000, kind: 'admitted', level: null, reason: null, sessionId: 's1' },
      { at: 2000, kind: 'shed', level: 1, reason: 'speed 0.91 < 0.97 for 10 s', sessionId: 's1' },
      { at: 3000, kind: 'declined', level: null, reason: 'short of CPU', sessionId: 's2' },
      { at: 9000, kind: 'restore', level: 0, reason: 'speed 1.2', sessionId: 's1' },
    ]);
  });
});

describe(overloadMetrics.name, () => {
  it('reads the step counters, shed levels and speeds of a scrape', () => {
    const text = [
      '# HELP onda_live_overload_steps_total Live ladders made lighter',
      'onda_live_overload_steps_total{action="shed",role="all"} 2',
      'onda_live_overload_steps_total{action="restore",role="all"} 1',
      'onda_live_shed_level{broadcast="b1"} 1',
      'onda_live_transcode_speed{broadcast="b1"} 0.93',
      'onda_live_transcode_speed{broadcast="b2"} 1.01',
    ].join('\n');
    expect(overloadMetrics(text)).toEqual({ steps: { shed: 2, restore: 1 }, shedLevels: [1], speeds: [0.93, 1.01] });
  });
});

describe(describeOverload.name, () => {
  it('says what each source showed in one line', () => {
    const line = describeOverload({ health: [], maxLevel: { a: 1 }, metrics: { steps: { shed: 1 }, shedLevels: [], speeds: [] }, minSpeed: 0.9, events: overloadEvents(log) });
    expect(line).toBe('worker log: 1 shed, 1 restore (shed to 1 → restore to 0); admission: 1 admitted, 1 declined; live health highest step: a 1; /metrics steps shed 1, lowest speed 0.90');
  });
});
