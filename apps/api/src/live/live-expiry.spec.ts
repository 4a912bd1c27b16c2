import { describe, expect, it } from 'vitest';
import { LiveService } from './live.service.js';
import { reconnectVerdict, WINDOW_PASSED } from './live-expiry.js';

const T0 = Date.parse('2026-12-31T10:00:00Z');
const waiting = (over: Partial<{ state: string; disconnectedAt: Date | null; endReason: string | null }> = {}) => ({
  state: 'reconnecting', disconnectedAt: new Date(T0), endReason: null, ...over,
});

describe(reconnectVerdict.name, () => {
  it('waits inside the window, asks the worker to finish after it, ends by itself only after the grace', () => {
    expect(reconnectVerdict(waiting(), 30, T0 + 30_000, 60_000)).toBe('wait');
    expect(reconnectVerdict(waiting(), 30, T0 + 30_001, 60_000)).toBe('finish');
    // Marked already: the worker is finalising; nothing to do until the grace runs out.
    expect(reconnectVerdict(waiting({ endReason: WINDOW_PASSED }), 30, T0 + 60_000, 60_000)).toBe('wait');
    expect(reconnectVerdict(waiting({ endReason: WINDOW_PASSED }), 30, T0 + 90_001, 60_000)).toBe('end');
  });

  it('leaves sessions that are not waiting for their publisher alone', () => {
    expect(reconnectVerdict(waiting({ state: 'live' }), 0, T0 + 999_999, 0)).toBe('wait');
    expect(reconnectVerdict(waiting({ disconnectedAt: null }), 0, T0 + 999_999, 0)).toBe('wait');
  });
});

describe(`${LiveService.name} reconnect timer`, () => {
  /** A repository fake holding sessions in memory, with the conditional writes of the real one. */
  const setup = () => {
    const sessions = new Map<string, { id: string; channelId: string; state: string; publisherConnected: boolean; disconnectedAt: Date | null; endReason: string | null; channel: { reconnectWindowSeconds: number } }>();
    const webhooks: Array<{ type: string; data: unknown }> = [];
    const repo = {
      reconnecting: async () => [...sessions.values()].filter((s) => s.state === 'reconnecting').map((s) => ({ ...s })),
      markWindowPassed: async (id: string, reason: string) => {
        const s = sessions.get(id)!;
        if (s.state !== 'reconnecting' || s.publisherConnected || s.endReason !== null) return false;
        s.endReason = reason;
        return true;
      },
      finish: async (id: string, state: string, endReason: string | null) => {
        const s = sessions.get(id)!;
        if (!['starting', 'live', 'reconnecting'].includes(s.state)) return false;
        Object.assign(s, { state, endReason });
        return true;
      },
      find: async (id: string) => sessions.get(id) ?? null,
      channelSettings: async () => ({ reconnectWindowSeconds: 30 }),
      channelOwner: async () => 'owner-1',
    };
    const sut = new LiveService(repo as never, {} as never, { emit: async (_o: string, type: string, data: unknown) => void webhooks.push({ type, data }) } as never, {} as never, { broadcastLive: () => undefined } as never);
    sessions.set('s1', { id: 's1', channelId: 'c1', state: 'reconnecting', publisherConnected: false, disconnectedAt: new Date(T0), endReason: null, channel: { reconnectWindowSeconds: 30 } });
    return { sut, sessions, webhooks };
  };

  it('does not end a session from a GET: the worker is told to finish, and the session ends when it reports ENDLIST', async () => {
    const { sut, sessions, webhooks } = setup();
    const now = Date.now;
    Date.now = () => T0 + 31_000;
    try {
      expect(await sut.workerView('s1')).toEqual({ id: 's1', state: 'reconnecting', publisherConnected: false, finish: true });
      // The GET wrote nothing.
      expect(sessions.get('s1')).toMatchObject({ state: 'reconnecting', endReason: null });
      await sut.sweepReconnects(T0 + 31_000);
      expect(sessions.get('s1')).toMatchObject({ state: 'reconnecting', endReason: WINDOW_PASSED });
      expect(webhooks).toEqual([]);
    } finally {
      Date.now = now;
    }
  });

  it('ends a session itself when no worker finished it within the grace', async () => {
    const { sut, sessions, webhooks } = setup();
    await sut.sweepReconnects(T0 + 31_000);
    await sut.sweepReconnects(T0 + 92_000);
    expect(sessions.get('s1')).toMatchObject({ state: 'ended', endReason: WINDOW_PASSED });
    expect(webhooks).toEqual([{ type: 'stream.ended', data: { sessionId: 's1', channelId: 'c1', state: 'ended', reason: WINDOW_PASSED } }]);
  });
});
