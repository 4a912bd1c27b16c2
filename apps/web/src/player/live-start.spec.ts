import { Events } from 'hls.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catchUpToTarget, FAR_BEHIND_S, playAtTarget, STALL_FREE_MS, STEP_MS } from './live-start';

/** hls.js as the live rules see it: event listeners, the target latency and the newest playlist. */
function fakeHls(targetLatency: number | null, details: { edge: number; age: number; partTarget: number; targetduration?: number } | null) {
  const listeners = new Map<string, Set<(event: string, data: unknown) => void>>();
  const hls = {
    targetLatency,
    latestLevelDetails: details,
    on: (event: string, fn: (event: string, data: unknown) => void) => listeners.set(event, (listeners.get(event) ?? new Set()).add(fn)),
    off: (event: string, fn: (event: string, data: unknown) => void) => listeners.get(event)?.delete(fn),
    emit: (event: string, data: unknown = {}) => [...(listeners.get(event) ?? [])].forEach((fn) => fn(event, data)),
    listening: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
  return hls;
}

function fakeVideo(currentTime: number, ranges: Array<[number, number]>) {
  const video = { currentTime, buffered: null as unknown as TimeRanges, ranges: (r: Array<[number, number]>) => (video.buffered = { length: r.length, start: (i: number) => r[i]![0], end: (i: number) => r[i]![1] } as TimeRanges) };
  video.ranges(ranges);
  return video;
}

describe(playAtTarget.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('normal mode, viewer waiting before the publish: shows the 0.5 s first segment but plays only once it stands a target behind the edge', () => {
    // Timeline of the bench's waiting viewer (s after the first frame was sent): 0.5 s segment at 0.8, 1.5 s one at 2.35.
    const details = { edge: 0.5, age: 0, partTarget: 0 };
    const hls = fakeHls(2.5, details);
    const video = fakeVideo(0, [[0, 0.5]]);
    const play = vi.fn();
    playAtTarget(hls as never, video, play, 5000);
    hls.emit(Events.BUFFER_APPENDED);
    vi.advanceTimersByTime(1000);
    details.age = 1;
    expect(play).not.toHaveBeenCalled();
    // The second segment is listed but not buffered yet: playing now would stall on it.
    Object.assign(details, { edge: 2, age: 0 });
    hls.emit(Events.LEVEL_UPDATED);
    details.age = 0.3;
    vi.advanceTimersByTime(300);
    expect(play).not.toHaveBeenCalled();
    video.ranges([[0, 2]]);
    hls.emit(Events.BUFFER_APPENDED);
    // 2 + 0.3 s behind < 2.5: still waiting, and a later tick sees the playlist age grow.
    expect(play).not.toHaveBeenCalled();
    details.age = 0.5;
    vi.advanceTimersByTime(100);
    expect(play).toHaveBeenCalledExactlyOnceWith('target');
    expect(hls.listening()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('low latency: waits for about PART-HOLD-BACK behind the newest part, with the listed parts buffered', () => {
    const details = { edge: 0.334, age: 0, partTarget: 0.334 };
    const hls = fakeHls(1.002, details);
    const video = fakeVideo(0, [[0, 0.334]]);
    const play = vi.fn();
    playAtTarget(hls as never, video, play, 3000);
    Object.assign(details, { edge: 0.668, age: 0 });
    video.ranges([[0, 0.668]]);
    hls.emit(Events.BUFFER_APPENDED);
    expect(play).not.toHaveBeenCalled();
    // A third part listed, still in flight (within a part of the buffer): 1.002 s behind is enough.
    Object.assign(details, { edge: 1.002, age: 0 });
    hls.emit(Events.LEVEL_UPDATED);
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('plays at once when a joining viewer already stands at the target', () => {
    const play = vi.fn();
    playAtTarget(fakeHls(2.5, { edge: 40, age: 0.25, partTarget: 0 }) as never, fakeVideo(37.7, [[36, 40]]), play, 5000);
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('plays at once with a second buffered when the rest of the listed media is still loading', () => {
    const play = vi.fn();
    playAtTarget(fakeHls(2.5, { edge: 40, age: 0.25, partTarget: 0 }) as never, fakeVideo(37.7, [[36, 38.8]]), play, 5000);
    expect(play).toHaveBeenCalledExactlyOnceWith('target');
  });

  it('gives up waiting after the limit, and a cancelled wait never plays', () => {
    const play = vi.fn();
    playAtTarget(fakeHls(null, null) as never, fakeVideo(0, []), play, 5000);
    vi.advanceTimersByTime(4999);
    expect(play).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(play).toHaveBeenCalledExactlyOnceWith('timeout');
    const never = vi.fn();
    const cancel = playAtTarget(fakeHls(2.5, { edge: 0.5, age: 0, partTarget: 0 }) as never, fakeVideo(0, [[0, 0.5]]), never, 5000);
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(never).not.toHaveBeenCalled();
  });
});

describe(catchUpToTarget.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /**
   * hls.js's targetLatency (base + a second per stall, at most a target duration; setting it clears the stalls,
   * as hls.js does) and a playhead that reaches the target within a second of each change, as hls.js's rate
   * catch-up would within its range (latency-controller.ts).
   */
  function liveHls(base: number, targetduration: number, opts: { behind: number; maxLatency?: number }) {
    const details = { edge: 100, age: 0, partTarget: 0, targetduration };
    const hls = fakeHls(base, details);
    let stalls = 0;
    let sync = base;
    const target = () => sync + Math.min(stalls, targetduration);
    Object.defineProperty(hls, 'targetLatency', {
      get: target,
      set: (v: number) => {
        stalls = 0;
        sync = v;
      },
    });
    Object.defineProperty(hls, 'maxLatency', { get: () => opts.maxLatency ?? Number.POSITIVE_INFINITY });
    // Where a viewer at the target stands (hls.js: the edge minus the target latency).
    Object.defineProperty(hls, 'liveSyncPosition', { get: () => 100 - target() });
    const video = Object.assign(fakeVideo(100 - opts.behind, [[0, 100]]), { paused: false });
    const stall = () => {
      stalls += 1;
      hls.emit(Events.ERROR, { details: 'bufferStalledError' });
    };
    /** One second of playback: hls.js closes up to 0.5 s of distance to its target per second, within its range. */
    const play = () => {
      const over = 100 - video.currentTime - target();
      if (over > 0 && over < Math.min(opts.maxLatency ?? Number.POSITIVE_INFINITY, target() + targetduration)) video.currentTime += Math.min(over, 0.5);
      vi.advanceTimersByTime(1000);
    };
    const behind = () => 100 - video.currentTime;
    return { hls, video, stall, play, behind };
  }
  const run = (seconds: number, play: () => void) => {
    for (let i = 0; i < seconds; i++) play();
  };

  it('gives back the stall penalty a second at a time once stall-free, down to the base', () => {
    const { hls, stall, play, video } = liveHls(2.5, 2, { behind: 2.5, maxLatency: 8 });
    const stop = catchUpToTarget(hls as never, video, () => true, () => Date.now());
    stall();
    stall();
    video.currentTime -= 2;
    expect(hls.targetLatency).toBe(4.5);
    run(STALL_FREE_MS / 1000 - 1, play);
    expect(hls.targetLatency).toBe(4.5);
    run(1, play);
    expect(hls.targetLatency).toBe(3.5);
    run(STEP_MS / 1000, play);
    expect(hls.targetLatency).toBe(2.5);
    run(60, play);
    expect(hls.targetLatency).toBe(2.5);
    stop();
    expect(hls.listening()).toBe(0);
  });

  it('keeps the penalty while stalls keep coming', () => {
    const { hls, stall, play, video } = liveHls(1.002, 2, { behind: 1.002 });
    catchUpToTarget(hls as never, video, () => true, () => Date.now());
    stall();
    for (let i = 0; i < 6; i++) {
      run(STALL_FREE_MS / 2000, play);
      stall();
    }
    expect(hls.targetLatency).toBeCloseTo(3.002);
  });

  it('low latency: brings a viewer who fell 10 s behind (out of hls.js range) back to PART-HOLD-BACK by steps, never by a jump', () => {
    const { hls, play, video, behind } = liveHls(1.002, 2, { behind: 11 });
    catchUpToTarget(hls as never, video, () => true, () => Date.now());
    let last = behind();
    let maxJump = 0;
    for (let i = 0; i < 90; i++) {
      play();
      maxJump = Math.max(maxJump, last - behind());
      last = behind();
    }
    expect(hls.targetLatency).toBeCloseTo(1.002);
    expect(behind()).toBeCloseTo(1.002, 1);
    expect(maxJump).toBeLessThanOrEqual(0.5);
  });

  it('jumps a playing viewer left far behind by a long stall straight back to the base target, stall penalty dropped', () => {
    // The 30-minute drift run: a 30 s stall upstream left the low-latency viewer 39 s behind.
    const { hls, stall, play, video, behind } = liveHls(1.002, 2, { behind: 39 });
    catchUpToTarget(hls as never, video, () => true, () => Date.now());
    stall();
    stall();
    // Stalled (nothing buffered at the playhead): no jump yet.
    video.ranges([[0, 61]]);
    run(3, play);
    expect(behind()).toBeCloseTo(39);
    video.ranges([[0, 100]]);
    play();
    expect(behind()).toBeCloseTo(1.002);
    expect(hls.targetLatency).toBeCloseTo(1.002);
    run(60, play);
    expect(behind()).toBeCloseTo(1.002);
  });

  it('closes less than FAR_BEHIND_S by playback rate, not by a jump', () => {
    const { hls, play, video, behind } = liveHls(1.002, 2, { behind: FAR_BEHIND_S });
    catchUpToTarget(hls as never, video, () => true, () => Date.now());
    let last = behind();
    let maxJump = 0;
    for (let i = 0; i < 120; i++) {
      play();
      maxJump = Math.max(maxJump, last - behind());
      last = behind();
    }
    expect(maxJump).toBeLessThanOrEqual(0.5);
    expect(behind()).toBeCloseTo(1.002, 1);
  });

  it('leaves a paused viewer and a DVR viewer behind the edge on purpose alone', () => {
    const a = liveHls(1.002, 2, { behind: 11 });
    a.video.paused = true;
    catchUpToTarget(a.hls as never, a.video, () => true, () => Date.now());
    run(30, a.play);
    expect(a.hls.targetLatency).toBeCloseTo(1.002);
    const b = liveHls(2.5, 2, { behind: 30, maxLatency: Number.POSITIVE_INFINITY });
    catchUpToTarget(b.hls as never, b.video, () => false, () => Date.now());
    run(30, b.play);
    expect(b.hls.targetLatency).toBe(2.5);
    expect(b.behind()).toBe(30);
  });
});
