import { BeaconBatchSchema, BeaconSchema, type Beacon, type BeaconEvent } from '@onda/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { BeaconReporter, mergeRanges, type BeaconTarget } from './beacon';

const LIVE: BeaconTarget = { liveSessionId: '00000000-0000-4000-8000-000000000001' };
const VOD: BeaconTarget = { vodId: '00000000-0000-4000-8000-000000000002' };

/** A reporter on a hand-moved clock; `tick()` is the 10-second timer firing. */
function harness(target: BeaconTarget = LIVE, answers: boolean[] = []) {
  let now = 0;
  let position = 0;
  let timer: (() => void) | null = null;
  let cleared = false;
  const sent: Array<{ beacons: Beacon[]; unload: boolean }> = [];
  const sut = new BeaconReporter({
    target,
    viewerId: 'viewer-0001',
    playbackId: 'playback-0001',
    position: () => position,
    now: () => now,
    setInterval: (callback) => {
      timer = callback;
      return 7;
    },
    clearInterval: (handle) => {
      expect(handle).toBe(7);
      cleared = true;
    },
    send: async (beacons, { unload }) => {
      // Every batch must pass the API's own schema.
      BeaconBatchSchema.parse({ beacons });
      sent.push({ beacons, unload });
      return answers.shift() ?? true;
    },
  });
  return {
    sut,
    sent,
    at(ms: number) {
      now = ms;
    },
    seekTo(seconds: number) {
      position = seconds;
    },
    tick() {
      timer?.();
    },
    get cleared() {
      return cleared;
    },
    /** Every beacon sent, in order. */
    beacons: () => sent.flatMap((s) => s.beacons),
    events: () => sent.flatMap((s) => s.beacons.flatMap((b) => b.events)),
  };
}

const rebuffers = (events: BeaconEvent[]) => events.filter((e): e is Extract<BeaconEvent, { type: 'rebuffer' }> => e.type === 'rebuffer');

describe(BeaconReporter.name, () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness();
    h.sut.start();
  });

  it('reports the startup time from load to the first frame, and the watched seconds', () => {
    h.at(1200);
    h.sut.playing();
    h.at(10_000);
    h.tick();

    expect(h.beacons()).toHaveLength(1);
    const [beacon] = h.beacons();
    expect(beacon).toMatchObject({ playbackId: 'playback-0001', viewerId: 'viewer-0001', liveSessionId: LIVE.liveSessionId, seq: 0, watchedSeconds: 8.8, rendition: null });
    expect(beacon!.events).toEqual([{ type: 'start', startupMs: 1200 }]);
    expect(BeaconSchema.safeParse(beacon).success).toBe(true);
    expect(h.sent[0]!.unload).toBe(false);
  });

  it('measures startup from the viewer’s play when autoplay was refused', () => {
    h.at(800);
    h.sut.paused(); // autoplay refused: the player shows its play button
    h.at(30_000);
    h.sut.playRequested();
    h.at(30_450);
    h.sut.playing();
    h.sut.stop();

    expect(h.events()[0]).toEqual({ type: 'start', startupMs: 450 });
  });

  it('reports a stall with its duration, split across beacons while it lasts, counted once', () => {
    h.at(1000);
    h.sut.playing();
    h.at(3000);
    h.sut.waiting();
    h.at(10_000);
    h.tick(); // still stalled: 7 s so far
    h.at(12_500);
    h.sut.playing(); // the stall ends after 9.5 s
    h.at(20_000);
    h.tick();

    const [first, second] = h.beacons();
    expect(first!.watchedSeconds).toBe(2);
    expect(rebuffers(first!.events)).toEqual([{ type: 'rebuffer', durationMs: 7000, ongoing: true }]);
    expect(second!.watchedSeconds).toBe(7.5);
    expect(rebuffers(second!.events)).toEqual([{ type: 'rebuffer', durationMs: 2500 }]);
    expect(second!.seq).toBe(1);
    const all = rebuffers(h.events());
    expect(all.reduce((sum, e) => sum + e.durationMs, 0)).toBe(9500);
    expect(all.filter((e) => !e.ongoing)).toHaveLength(1);
  });

  it('ends a stall when time moves on even without a playing event', () => {
    h.seekTo(5);
    h.sut.playing();
    h.at(2000);
    h.sut.waiting();
    h.at(2600);
    h.seekTo(5.1);
    h.sut.time(5.1); // not far enough
    h.at(3000);
    h.sut.time(5.5);
    h.at(10_000);
    h.tick();

    expect(rebuffers(h.events())).toEqual([{ type: 'rebuffer', durationMs: 1000 }]);
    expect(h.beacons()[0]!.watchedSeconds).toBe(9);
  });

  it('does not count waiting before the first frame or after a seek as a rebuffer', () => {
    h.sut.waiting(); // startup
    h.at(500);
    h.sut.playing();
    h.at(2000);
    h.sut.seeking();
    h.sut.waiting();
    h.at(4000);
    h.sut.playing();
    h.at(10_000);
    h.tick();

    expect(rebuffers(h.events())).toEqual([]);
    // Watched: 0.5-2 s and 4-10 s.
    expect(h.beacons()[0]!.watchedSeconds).toBe(7.5);
  });

  it('reports rendition changes once each and keeps the current rendition on every beacon', () => {
    h.sut.playing();
    h.sut.renditionChanged('720p');
    h.sut.renditionChanged('720p');
    h.at(5000);
    h.sut.renditionChanged('480p');
    h.at(10_000);
    h.tick();
    h.at(20_000);
    h.tick();

    const [first, second] = h.beacons();
    expect(first!.events.filter((e) => e.type === 'rendition')).toEqual([
      { type: 'rendition', rendition: '720p' },
      { type: 'rendition', rendition: '480p' },
    ]);
    expect(first!.rendition).toBe('480p');
    expect(second!.events).toEqual([]);
    expect(second!.rendition).toBe('480p');
  });

  it('reports errors with their fatal flag', () => {
    h.sut.error('manifestLoadError', true);
    h.sut.error('fragLoadError', false);
    h.tick();
    expect(h.events()).toEqual([
      { type: 'error', code: 'manifestLoadError', fatal: true },
      { type: 'error', code: 'fragLoadError', fatal: false },
    ]);
  });

  it('sends nothing while paused and idle', () => {
    h.sut.playing();
    h.at(4000);
    h.sut.paused();
    h.at(10_000);
    h.tick();
    h.at(20_000);
    h.tick();
    h.at(30_000);
    h.tick();

    expect(h.beacons()).toHaveLength(1);
    expect(h.beacons()[0]!.watchedSeconds).toBe(4);
  });

  it('sends a last beacon with `end` through the unload transport when it stops, and nothing after', () => {
    h.at(1000);
    h.sut.playing();
    h.at(6000);
    h.sut.stop();
    h.tick();
    h.sut.flush(true);

    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.unload).toBe(true);
    expect(h.sent[0]!.beacons[0]!.watchedSeconds).toBe(5);
    expect(h.sent[0]!.beacons[0]!.events.at(-1)).toEqual({ type: 'end' });
    expect(h.cleared).toBe(true);
  });

  it('reports a stall still running at unload', () => {
    h.sut.playing();
    h.at(2000);
    h.sut.waiting();
    h.at(5000);
    h.sut.stop();
    expect(rebuffers(h.events())).toEqual([{ type: 'rebuffer', durationMs: 3000 }]);
  });

  it('sends a failed beacon again with the next one, with its sequence number', async () => {
    const retry = harness(LIVE, [false, true]);
    retry.sut.start();
    retry.sut.playing();
    retry.at(10_000);
    retry.tick();
    await Promise.resolve();
    await Promise.resolve();
    retry.at(20_000);
    retry.tick();

    expect(retry.sent.map((s) => s.beacons.map((b) => b.seq))).toEqual([[0], [0, 1]]);
  });
});

describe(`${BeaconReporter.name} on a VOD`, () => {
  it('reports the played ranges of the timeline, split by seeks', () => {
    const h = harness(VOD);
    h.sut.start();
    h.seekTo(0);
    h.at(300);
    h.sut.playing();
    for (let t = 0.25; t <= 4; t += 0.25) h.sut.time(t);
    h.at(4300);
    h.sut.seeking();
    h.seekTo(30);
    h.sut.waiting();
    h.at(5000);
    h.sut.playing();
    for (let t = 30.25; t <= 32; t += 0.25) h.sut.time(t);
    h.at(7000);
    h.sut.paused();
    h.at(10_000);
    h.tick();

    const [beacon] = h.beacons();
    expect(beacon).toMatchObject({ vodId: VOD.vodId, played: [[0, 4], [30, 32]], watchedSeconds: 6 });
    expect('liveSessionId' in beacon!).toBe(false);
  });

  it('continues an open range across beacons without gaps or overlaps', () => {
    const h = harness(VOD);
    h.sut.start();
    h.sut.playing();
    for (let t = 0.5; t <= 10; t += 0.5) h.sut.time(t);
    h.at(10_000);
    h.tick();
    for (let t = 10.5; t <= 20; t += 0.5) h.sut.time(t);
    h.at(20_000);
    h.tick();

    expect(h.beacons().map((b) => b.played)).toEqual([[[0, 10]], [[10, 20]]]);
  });

  it('treats a jump in timeupdates as a new range', () => {
    const h = harness(VOD);
    h.sut.start();
    h.sut.playing();
    h.sut.time(1);
    h.sut.time(2);
    h.sut.time(60); // e.g. a native seek that fired no seeking event
    h.sut.time(61);
    h.tick();
    expect(h.beacons()[0]!.played).toEqual([[0, 2], [60, 61]]);
  });
});

describe(mergeRanges.name, () => {
  it('sorts, joins touching ranges and drops empty ones', () => {
    expect(mergeRanges([[5, 8], [0, 2], [2, 3], [7, 9], [4, 4]])).toEqual([[0, 3], [5, 9]]);
  });
});
