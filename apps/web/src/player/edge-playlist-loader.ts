import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderStats, PlaylistLoaderContext } from 'hls.js';

/** How often a held reload asks again while the live playlist has not changed. */
export const EDGE_POLL_MS = 250;
/** A reload is held at most this many target durations, then the unchanged playlist goes to hls.js. */
const MAX_HOLD_TARGETS = 1.5;

/** The newest segment a playlist names and whether it ended: what "the playlist changed" means here. */
export function playlistEdge(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  let last = '';
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line && !line.startsWith('#')) {
      last = line;
      break;
    }
  }
  return `${last}|${text.includes('#EXT-X-ENDLIST') ? 'end' : 'live'}`;
}

const targetSeconds = (text: string): number => Number(/#EXT-X-TARGETDURATION:(\d+(?:\.\d+)?)/.exec(text)?.[1] ?? 2);

/** Last edge answered per media playlist URL, one map per player (hls.js creates a loader per request). */
const edges = new WeakMap<object, Map<string, string>>();

/**
 * hls.js playlist loader that finds a new live segment within ~0.25 s of its publication instead of up
 * to a whole target duration later. hls.js reloads a plain live playlist on a fixed cadence (one target
 * duration after an update), so a viewer whose cadence fell just before each publication saw every
 * segment ~2 s late, for the whole broadcast: glass-to-glass varied by up to 2 s from viewer to viewer.
 * A reload of a media playlist that still ends with the segment already seen is held here and asked again
 * every EDGE_POLL_MS until the playlist moves (at most 1.5 target durations), like an LL-HLS blocking
 * reload done from the client, which plain HLS servers and CDNs do not offer. The master playlist, the
 * first load of each playlist, ended playlists and playlists of servers that block reloads themselves
 * (EXT-X-SERVER-CONTROL CAN-BLOCK-RELOAD=YES) pass straight through.
 */
export class EdgePlaylistLoader implements Loader<PlaylistLoaderContext> {
  context: PlaylistLoaderContext | null = null;
  stats: LoaderStats;
  private inner: Loader<PlaylistLoaderContext>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly seen: Map<string, string>;

  constructor(private readonly config: HlsConfig) {
    this.inner = new config.loader(config) as Loader<PlaylistLoaderContext>;
    this.stats = this.inner.stats;
    let seen = edges.get(config);
    if (!seen) edges.set(config, (seen = new Map()));
    this.seen = seen;
  }

  load(context: PlaylistLoaderContext, loaderConfig: LoaderConfiguration, callbacks: LoaderCallbacks<PlaylistLoaderContext>): void {
    this.context = context;
    if (context.type !== 'level' && context.type !== 'audioTrack') {
      this.inner.load(context, loaderConfig, callbacks);
      return;
    }
    const key = context.url;
    const started = Date.now();
    const attempt = (): void => {
      this.inner.destroy();
      this.inner = new this.config.loader(this.config) as Loader<PlaylistLoaderContext>;
      this.stats = this.inner.stats;
      this.inner.load(context, loaderConfig, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          const text = typeof response.data === 'string' ? response.data : '';
          const edge = playlistEdge(text);
          const holdMs = targetSeconds(text) * MAX_HOLD_TARGETS * 1000;
          // A server that blocks reloads itself (LL-HLS) is never second-guessed: its parts move the
          // playlist while its last full segment stays the same.
          const serverBlocks = /CAN-BLOCK-RELOAD=YES/.test(text);
          if (!serverBlocks && this.seen.get(key) === edge && edge.endsWith('|live') && Date.now() - started + EDGE_POLL_MS <= holdMs) {
            this.timer = setTimeout(attempt, EDGE_POLL_MS);
            return;
          }
          this.seen.set(key, edge);
          callbacks.onSuccess(response, stats, ctx, details);
        },
      });
    };
    attempt();
  }

  abort(): void {
    clearTimeout(this.timer);
    this.inner.abort();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.inner.destroy();
    this.context = null;
  }

  getCacheAge(): number | null {
    return this.inner.getCacheAge?.() ?? null;
  }

  getResponseHeader(name: string): string | null {
    return this.inner.getResponseHeader?.(name) ?? null;
  }
}
