import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Beacon } from '@onda/contracts';
import type { PrismaClient } from '@onda/db';
import { BeaconIngest } from '../src/stats/beacon.ingest.js';
import { PlaybackTicketService } from '../src/stats/playback-ticket.service.js';
import type { Harness } from './harness.js';

/** t = 0 of the fixture broadcasts. */
export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

/** A clock the API reads instead of Date.now (ApiOptions.stats.now). */
export function testClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    /** Sets the clock to `seconds` after T0 (or after `from`). */
    at(seconds: number, from = T0): void {
      now = from + seconds * 1000;
    },
  };
}

/** Statistics options for tests: the pinned clock, no timers (the test flushes and cleans up itself). */
export const testStatsOptions = (clock: { now: () => number }, extra: Record<string, unknown> = {}) => ({
  stats: { now: clock.now, flushIntervalMs: 3600_000, cleanupIntervalMs: 0, ...extra },
});

/** A live session of `channelId` that began at `t0` and lasted `seconds` (null: still live). */
export async function liveSession(prisma: PrismaClient, channelId: string, t0: number, seconds: number | null): Promise<string> {
  const id = randomUUID();
  await prisma.liveSession.create({
    data: {
      id, channelId, state: seconds === null ? 'live' : 'ended', ingestId: id, storagePrefix: `live/${id}`,
      createdAt: new Date(t0), startedAt: new Date(t0 + 3000), endedAt: seconds === null ? null : new Date(t0 + seconds * 1000),
    },
  });
  return id;
}

/** A VOD (id = the session's for a recording). */
export async function vod(prisma: PrismaClient, channelId: string, opts: { id?: string; liveSessionId?: string; durationSeconds?: number; status?: 'ready' | 'processing' } = {}): Promise<string> {
  const id = opts.id ?? opts.liveSessionId ?? randomUUID();
  await prisma.vod.create({
    data: {
      id, channelId, liveSessionId: opts.liveSessionId ?? null, origin: opts.liveSessionId ? 'recording' : 'upload', title: 'VOD', status: opts.status ?? 'ready',
      durationSeconds: opts.durationSeconds ?? null, renditions: ['720p'],
    },
  });
  return id;
}

export const beacon = (over: Partial<Beacon> & Pick<Beacon, 'playbackId' | 'seq'>): Beacon => ({ viewerId: 'viewer-1', position: 0, watchedSeconds: 10, rendition: '720p', events: [], ...over });

/** A far-future expiry (the tests pin the API's clock to 2026). */
const TICKET_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;

/** Each beacon of `body` with the ticket the API would issue its playback (a player's beacons always carry one). */
export function withTickets(h: Harness, body: unknown): unknown {
  const tickets = h.sut.app.get(PlaybackTicketService).tickets;
  const sign = (b: unknown) => {
    if (typeof b !== 'object' || b === null || 'ticket' in b || !('playbackId' in b)) return b;
    const beacon = b as Beacon;
    return { ...beacon, ticket: tickets.issue(beacon, TICKET_EXP) };
  };
  if (typeof body === 'object' && body !== null && 'beacons' in body && Array.isArray(body.beacons)) return { ...body, beacons: body.beacons.map(sign) };
  return sign(body);
}

/** POSTs beacons as JSON (default) or as text/plain like navigator.sendBeacon, each with its ticket unless `tickets: false`. */
export const postBeacons = (h: Harness, body: unknown, type: 'json' | 'text' = 'json', opts: { tickets?: boolean } = {}) =>
  request(h.sut.url)
    .post('/v1/beacons')
    .set('content-type', type === 'json' ? 'application/json' : 'text/plain;charset=UTF-8')
    .send(JSON.stringify(opts.tickets === false ? body : withTickets(h, body)));

/** Writes what the API buffered. */
export const flush = (h: Harness): Promise<void> => h.sut.app.get(BeaconIngest).flush();

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
