import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HlsConfig, LoaderCallbacks, LoaderConfiguration, PlaylistLoaderContext } from 'hls.js';
import { EDGE_POLL_MS, EdgePlaylistLoader, playlistEdge } from './edge-playlist-loader';

const playlist = (last: number, ended = false): string =>
  ['#EXTM3U', '#EXT-X-TARGETDURATION:2', ...Array.from({ length: last + 1 }, (_, i) => `#EXTINF:2.0,\nr0_${String(i).padStart(5, '0')}.ts`), ...(ended ? ['#EXT-X-ENDLIST'] : [])].join('\n');

/** A stand-in for hls.js's XHR loader: answers each load with the server's current playlist. */
function fakeServer() {
  const state = { body: playlist(0), requests: 0 };
  class FakeLoader {
    stats = { loading: { start: 0, first: 0, end: 0 } };
    context = null;
    load(context: PlaylistLoaderContext, _config: LoaderConfiguration, callbacks: LoaderCallbacks<PlaylistLoaderContext>): void {
      state.requests += 1;
      const body = state.body;
      queueMicrotask(() => callbacks.onSuccess({ url: context.url, data: body }, this.stats as never, context, null));
    }
    abort(): void {}
    destroy(): void {}
  }
  return { state, config: { loader: FakeLoader } as unknown as HlsConfig };
}

const ctx = (type: PlaylistLoaderContext['type']): PlaylistLoaderContext =>
  ({ type, url: 'http://x/live/s/720p/index.m3u8', level: 0, id: null, deliveryDirectives: null, levelOrTrack: null, responseType: 'text' }) as PlaylistLoaderContext;

function load(config: HlsConfig, type: PlaylistLoaderContext['type'] = 'level' as PlaylistLoaderContext['type']): { loader: EdgePlaylistLoader; answered: Promise<{ body: string; at: number }> } {
  const loader = new EdgePlaylistLoader(config);
  const answered = new Promise<{ body: string; at: number }>((resolve, reject) => {
    loader.load(ctx(type), {} as LoaderConfiguration, {
      onSuccess: (response) => resolve({ body: String(response.data), at: Date.now() }),
      onError: () => reject(new Error('error')),
      onTimeout: () => reject(new Error('timeout')),
    });
  });
  return { loader, answered };
}

describe(EdgePlaylistLoader.name, () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('answers a first load at once, then holds a reload until a new segment is published', async () => {
    const { state, config } = fakeServer();
    const first = load(config);
    await vi.advanceTimersByTimeAsync(0);
    expect((await first.answered).body).toBe(playlist(0));

    const reload = load(config);
    let done = false;
    void reload.answered.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(EDGE_POLL_MS * 3);
    expect(done).toBe(false);
    const asked = state.requests;
    expect(asked).toBe(1 + 4); // first load, then the reload and three polls while nothing changed

    state.body = playlist(1); // the worker publishes the next segment
    await vi.advanceTimersByTimeAsync(EDGE_POLL_MS);
    const got = await reload.answered;
    expect(got.body).toBe(playlist(1));
    expect(got.at).toBeLessThanOrEqual(EDGE_POLL_MS * 4);
  });

  it('gives hls.js the unchanged playlist after 1.5 target durations, and never holds an ended one', async () => {
    const { state, config } = fakeServer();
    await vi.advanceTimersByTimeAsync(0);
    await (async () => {
      const a = load(config);
      await vi.advanceTimersByTimeAsync(0);
      await a.answered;
    })();
    const from = Date.now();
    const stuck = load(config);
    await vi.advanceTimersByTimeAsync(3000);
    const held = (await stuck.answered).at - from;
    expect(held).toBeGreaterThanOrEqual(2500);
    expect(held).toBeLessThanOrEqual(3000);

    state.body = playlist(0, true);
    const ended = load(config);
    await vi.advanceTimersByTimeAsync(0);
    expect((await ended.answered).body).toContain('#EXT-X-ENDLIST');
    const again = load(config);
    await vi.advanceTimersByTimeAsync(0);
    expect((await again.answered).at).toBe(Date.now());
  });

  it('never holds a playlist whose server blocks reloads itself (LL-HLS)', async () => {
    const { state, config } = fakeServer();
    state.body = playlist(0).replace('#EXTM3U', '#EXTM3U\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0');
    for (let i = 0; i < 2; i++) {
      const l = load(config);
      await vi.advanceTimersByTimeAsync(0);
      expect((await l.answered).at).toBe(0);
    }
    expect(state.requests).toBe(2);
  });

  it('passes the master playlist straight through, every time', async () => {
    const { state, config } = fakeServer();
    for (let i = 0; i < 2; i++) {
      const m = load(config, 'manifest' as PlaylistLoaderContext['type']);
      await vi.advanceTimersByTimeAsync(0);
      await m.answered;
    }
    expect(state.requests).toBe(2);
  });

  it('keeps what it has seen per player, not across players', async () => {
    const a = fakeServer();
    const b = fakeServer();
    const first = load(a.config);
    await vi.advanceTimersByTimeAsync(0);
    await first.answered;
    const other = load(b.config);
    await vi.advanceTimersByTimeAsync(0);
    expect((await other.answered).at).toBe(0);
  });
});

describe(playlistEdge.name, () => {
  it('names the newest segment and whether the playlist ended', () => {
    expect(playlistEdge(playlist(3))).toBe('r0_00003.ts|live');
    expect(playlistEdge(playlist(3, true))).toBe('r0_00003.ts|end');
  });
});
