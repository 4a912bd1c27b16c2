import type { Beacon } from '@onda/contracts';
import type Hls from 'hls.js';
import { ErrorDetails, Events } from 'hls.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachBeacons } from './beacon-attach';
import { createBeaconTransport, createTicketSource, viewerId, ViewerIdStorageKey, withTicket } from './beacon-transport';

/** Enough of hls.js for the beacons: events, levels, the playing date and latency. */
class FakeHls {
  handlers = new Map<string, Array<(event: string, data: unknown) => void>>();
  levels = [{ height: 720, bitrate: 2_800_000 }, { height: 360, bitrate: 800_000 }];
  playingDate: Date | null = null;
  latency = 3;
  on(event: string, handler: (event: string, data: unknown) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }
  off(event: string, handler: (event: string, data: unknown) => void) {
    this.handlers.set(event, (this.handlers.get(event) ?? []).filter((h) => h !== handler));
  }
  emit(event: string, data: unknown) {
    for (const handler of this.handlers.get(event) ?? []) handler(event, data);
  }
}

class FakePage extends EventTarget {
  document = { visibilityState: 'visible' as DocumentVisibilityState };
}

function videoElement() {
  const video = document.createElement('video');
  const state = { currentTime: 0, paused: true, seeking: false, readyState: 4 };
  for (const key of Object.keys(state) as Array<keyof typeof state>) {
    Object.defineProperty(video, key, { get: () => state[key], configurable: true });
  }
  return { video, state, fire: (name: string) => video.dispatchEvent(new Event(name)) };
}

const SESSION = '00000000-0000-4000-8000-000000000001';
const START = Date.parse('2026-03-01T12:00:00.000Z');

describe(attachBeacons.name, () => {
  let sent: Array<{ beacons: Beacon[]; unload: boolean }>;
  const send = async (beacons: Beacon[], { unload }: { unload: boolean }) => {
    sent.push({ beacons, unload });
    return true;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: START + 60_000 });
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  it('follows the video and hls.js, beacons every 10 s with the live position, and flushes at pagehide', () => {
    const { video, state, fire } = videoElement();
    const page = new FakePage();
    const hls = new FakeHls();
    const sut = attachBeacons(video, { target: { liveSessionId: SESSION }, startedAt: new Date(START).toISOString(), send, page, clock: { now: () => Date.now() } });
    sut.attachHls(hls as unknown as Hls);

    vi.advanceTimersByTime(900);
    state.paused = false;
    fire('playing');
    hls.emit(Events.LEVEL_SWITCHED, { level: 1 });
    hls.emit(Events.ERROR, { fatal: false, details: ErrorDetails.BUFFER_STALLED_ERROR }); // a stall, not an error
    vi.advanceTimersByTime(1500);
    fire('playing');
    hls.emit(Events.ERROR, { fatal: true, details: ErrorDetails.FRAG_LOAD_ERROR });
    vi.advanceTimersByTime(10_000 - 2400);

    expect(sent).toHaveLength(1);
    const [beacon] = sent[0]!.beacons;
    expect(beacon!.events).toEqual([
      { type: 'start', startupMs: 900 },
      { type: 'rendition', rendition: '360p' },
      { type: 'rebuffer', durationMs: 1500 },
      { type: 'error', code: 'fragLoadError', fatal: true },
    ]);
    expect(beacon!.rendition).toBe('360p');
    expect(beacon!.watchedSeconds).toBe(7.6);
    // 70 s after the start by the wall clock, minus 3 s of latency.
    expect(beacon!.position).toBe(67);

    hls.playingDate = new Date(START + 65_500);
    vi.advanceTimersByTime(2000);
    page.dispatchEvent(new Event('pagehide'));
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ unload: true, beacons: [{ seq: 1, position: 65.5, watchedSeconds: 2 }] });

    page.document.visibilityState = 'hidden';
    vi.advanceTimersByTime(1000);
    page.dispatchEvent(new Event('visibilitychange'));
    expect(sent[2]).toMatchObject({ unload: true, beacons: [{ seq: 2, watchedSeconds: 1 }] });

    sut.stop();
    expect(sent[3]!.beacons[0]!.events).toEqual([{ type: 'end' }]);
    // Detached: neither the page nor the video reach the reporter any more.
    page.dispatchEvent(new Event('pagehide'));
    fire('playing');
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(4);
  });

  it('uses the media time as the VOD position, and a seek inside the buffer resumes watching', () => {
    const { video, state, fire } = videoElement();
    const sut = attachBeacons(video, { target: { vodId: '00000000-0000-4000-8000-000000000002' }, send, page: new FakePage(), clock: { now: () => Date.now() } });
    state.paused = false;
    fire('playing');
    for (let t = 1; t <= 3; t += 1) {
      vi.advanceTimersByTime(1000);
      state.currentTime = t;
      fire('timeupdate');
    }
    state.seeking = true;
    state.currentTime = 40;
    fire('seeking');
    state.seeking = false;
    fire('seeked');
    vi.advanceTimersByTime(2000);
    state.currentTime = 42;
    fire('timeupdate');
    sut.stop();

    const [beacon] = sent[0]!.beacons;
    expect(beacon).toMatchObject({ position: 42, watchedSeconds: 5, played: [[0, 3], [40, 42]] });
  });
});

describe(createBeaconTransport.name, () => {
  const beacons = [{ playbackId: 'p'.repeat(8), viewerId: 'v'.repeat(8), vodId: '00000000-0000-4000-8000-000000000002', seq: 0, position: 0, watchedSeconds: 1, rendition: null, events: [] }];

  it('posts JSON with keepalive, and uses sendBeacon (text) at unload', async () => {
    const calls: Array<[string, RequestInit]> = [];
    const beaconCalls: Array<[string, string]> = [];
    const sut = createBeaconTransport('/v1/beacons', {
      fetch: (async (url: string, init: RequestInit) => {
        calls.push([url, init]);
        return new Response(null, { status: 202 });
      }) as unknown as typeof fetch,
      sendBeacon: (url, data) => (beaconCalls.push([url, data]), true),
    });

    expect(await sut(beacons, { unload: false })).toBe(true);
    expect(calls[0]![0]).toBe('/v1/beacons');
    expect(calls[0]![1]).toMatchObject({ method: 'POST', keepalive: true, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(calls[0]![1].body as string)).toEqual({ beacons });

    expect(await sut(beacons, { unload: true })).toBe(true);
    expect(beaconCalls).toEqual([['/v1/beacons', JSON.stringify({ beacons })]]);
    expect(calls).toHaveLength(1);
  });

  it('falls back to fetch when sendBeacon refuses, and reports failures', async () => {
    let status = 202;
    const sut = createBeaconTransport('/v1/beacons', { fetch: (async () => new Response(null, { status })) as unknown as typeof fetch, sendBeacon: () => false });
    expect(await sut(beacons, { unload: true })).toBe(true);
    status = 503;
    expect(await sut(beacons, { unload: false })).toBe(false);
    const offline = createBeaconTransport('/v1/beacons', { fetch: (async () => Promise.reject(new TypeError('offline'))) as unknown as typeof fetch });
    expect(await offline(beacons, { unload: false })).toBe(false);
  });
});

describe(createTicketSource.name, () => {
  const binding = { liveSessionId: SESSION, viewerId: 'v'.repeat(32), playbackId: 'p'.repeat(32) };

  it('fetches the ticket once, puts it on every beacon, and renews it with the previous one before it expires', async () => {
    let now = START;
    const calls: Array<Record<string, unknown>> = [];
    const fetchTicket = (async (_url: string, init: RequestInit) => {
      calls.push(JSON.parse(init.body as string) as Record<string, unknown>);
      return new Response(JSON.stringify({ ticket: `t${calls.length}`, expiresAt: new Date(now + 600_000).toISOString() }), { status: 201 });
    }) as unknown as typeof fetch;
    const sut = createTicketSource(binding, { fetch: fetchTicket }, '/v1/beacons/tickets', () => now);
    const sent: Beacon[][] = [];
    const send = withTicket(async (beacons) => (sent.push(beacons), true), sut);
    const beacon = { playbackId: binding.playbackId, viewerId: binding.viewerId, liveSessionId: SESSION, seq: 0, position: 0, watchedSeconds: 1, rendition: null, events: [] };

    await Promise.all([sut(), sut()]);
    expect(calls).toEqual([binding]);
    expect(await send([beacon], { unload: false })).toBe(true);
    expect(sent[0]![0]!.ticket).toBe('t1');

    now += 7 * 60_000; // 3 minutes left: answered at once, renewed in the background
    expect(await sut()).toBe('t1');
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toEqual({ ...binding, previous: 't1' });
    await vi.waitFor(async () => expect(await sut()).toBe('t2'));
  });

  it('sends nothing without a ticket (the reporter keeps the beacons for the next try)', async () => {
    const refused = createTicketSource(binding, { fetch: (async () => new Response('{}', { status: 429 })) as unknown as typeof fetch });
    const sent: Beacon[][] = [];
    const send = withTicket(async (beacons) => (sent.push(beacons), true), refused);
    expect(await send([], { unload: false })).toBe(false);
    expect(sent).toEqual([]);
  });
});

describe(viewerId.name, () => {
  it('creates one id per browser and keeps it', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const first = viewerId(storage);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(store.get(ViewerIdStorageKey)).toBe(first);
    expect(viewerId(storage)).toBe(first);
  });

  it('falls back to an id for the page when storage throws', () => {
    const storage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => undefined,
    };
    const id = viewerId(storage);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(viewerId(storage)).toBe(id);
  });
});
