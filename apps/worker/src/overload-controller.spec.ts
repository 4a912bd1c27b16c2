import { describe, expect, it } from 'vitest';
import { OverloadController, type OverloadDecision } from './overload-controller.js';
import { processCpuSeconds } from './overload-cpu.js';

const COSTS = [1.2, 0.8, 0.6, 0.4];
const make = (over: Partial<ConstructorParameters<typeof OverloadController>[0]> = {}): OverloadController =>
  new OverloadController({ maxLevel: 3, capacityCores: 1.5, costOf: (l) => COSTS[l]!, ...over });

/** Feeds one sample per second at `speed` (media-s per wall-s) for `seconds`, using `cores`; returns the decisions. */
function feed(sut: OverloadController, clock: { t: number; media: number; cpu: number }, seconds: number, speed: number, cores = 1): OverloadDecision[] {
  const out: OverloadDecision[] = [];
  for (let i = 0; i < seconds; i++) {
    clock.t += 1000;
    clock.media += speed;
    clock.cpu += cores;
    const d = sut.sample({ atMs: clock.t, outTimeSeconds: clock.media, cpuSeconds: clock.cpu });
    if (d) {
      out.push(d);
      sut.runStarted(clock.t);
      clock.media = 0;
    }
  }
  return out;
}

describe(OverloadController.name, () => {
  it('holds at real time and sheds after ~10 s below 0.97x, one step at a time', () => {
    const sut = make();
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    expect(feed(sut, clock, 60, 1.0)).toEqual([]);
    const shed = feed(sut, clock, 20, 0.9);
    expect(shed).toHaveLength(1);
    expect(shed[0]).toMatchObject({ action: 'shed', level: 1 });
    expect(shed[0]!.reason).toMatch(/^speed 0\.90x for 1\d s$/);
    // Each new run must keep real time; it does not, so the next steps follow, down to the last.
    expect(feed(sut, clock, 50, 0.9).map((d) => d?.level)).toEqual([2, 3]);
    expect(feed(sut, clock, 60, 0.5)).toEqual([]);
  });

  it('sheds at once when output falls behind its best by more than the bound', () => {
    const sut = make({ maxLagSeconds: 3, slowForMs: 60_000 });
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    feed(sut, clock, 10, 1.0);
    // A stall: the wall clock runs, the media does not.
    const d = feed(sut, clock, 6, 0.0);
    expect(d).toHaveLength(1);
    expect(d[0]!.reason).toMatch(/behind real time/);
  });

  it('with its defaults, sheds a run that cannot keep up within seconds, before viewers drift far', () => {
    const sut = make();
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    // The bench's 1080p60 run with a 720p60 rung on 2 cores: about 0.65 media-s per wall-s.
    const slow: OverloadDecision[] = [];
    let at = 0;
    for (let i = 0; i < 30 && slow.length === 0; i++) {
      slow.push(...feed(sut, clock, 1, 0.65));
      at = clock.t;
    }
    expect(slow[0]).toMatchObject({ action: 'shed', level: 1 });
    expect(slow[0]!.reason).toMatch(/behind real time/);
    // 4 s warm-up, then 3 s of lag at 0.35 s per second: about 13 s, where the old bounds took 16-20 s.
    expect(at).toBeLessThanOrEqual(14_000);
  });

  it('ignores the warm-up of a run (probing, the GOP burst) and never goes past the last step', () => {
    const sut = make({ level: 3 });
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    expect(feed(sut, clock, 5, 0.2)).toEqual([]);
    expect(feed(sut, clock, 40, 0.5)).toEqual([]);
    expect(sut.level).toBe(3);
  });

  it('steps back up after a minute at real time when the step above fits the cores, backing off when it does not hold', () => {
    const sut = make({ level: 1, upAfterMs: 60_000 });
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    // 0.8 cores used at step 1 predicts 1.2 at step 0: fits 1.5.
    const up = feed(sut, clock, 70, 1.0, 0.8);
    expect(up).toEqual([{ action: 'restore', level: 0, reason: 'using 0.80 cores of 1.50' }]);
    // Step 0 falls behind: shed again, and the next try waits twice as long.
    expect(feed(sut, clock, 20, 0.9).map((d) => d?.action)).toEqual(['shed']);
    const quiet = feed(sut, clock, 100, 1.0, 0.8);
    expect(quiet).toEqual([]);
    expect(feed(sut, clock, 30, 1.0, 0.8).map((d) => d?.action)).toEqual(['restore']);
  });

  it('stays down while the step above would not fit', () => {
    const sut = make({ level: 1, upAfterMs: 10_000 });
    const clock = { t: 0, media: 0, cpu: 0 };
    sut.runStarted(0);
    // 1.2 cores at step 1 predicts 1.8 at step 0 > 1.5.
    expect(feed(sut, clock, 120, 1.0, 1.2)).toEqual([]);
  });
});

describe(processCpuSeconds.name, () => {
  it('reads this process\'s CPU time, and null for a pid that does not exist', async () => {
    const t = await processCpuSeconds(process.pid);
    expect(t).toBeGreaterThan(0);
    expect(await processCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
