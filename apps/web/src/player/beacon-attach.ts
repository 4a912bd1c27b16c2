import type Hls from 'hls.js';
import { ErrorDetails, Events, type ErrorData, type LevelSwitchedData } from 'hls.js';
import { BeaconReporter, type BeaconReporterOptions, type BeaconSend, type BeaconTarget } from './beacon';
import { createBeaconTransport, createTicketSource, randomId, viewerId, withTicket, type TicketSource } from './beacon-transport';
import { levelLabel } from './quality';

/** The beacons of one playback, fed by its video element, its hls.js instance(s) and the page lifecycle. */
export interface PlaybackBeacons {
  /** Follows a (new) hls.js instance of this playback: rendition switches, errors, the playing date. */
  attachHls(hls: Hls): void;
  /** The player shows its play button (autoplay refused, or paused): the startup clock waits for the viewer. */
  paused(): void;
  /** The player goes away: the last beacon, with `end`. */
  stop(): void;
  readonly reporter: BeaconReporter;
}

export interface AttachBeaconsOptions {
  target: BeaconTarget;
  /** Live: the broadcast's start (ISO), so the position is seconds since it. */
  startedAt?: string | null;
  send?: BeaconSend;
  /** The playback ticket the beacons carry; by default fetched from the API (with a `send` of its own: none). */
  ticket?: TicketSource;
  /** Where pagehide/visibilitychange come from (tests pass a stand-in). */
  page?: Pick<Window, 'addEventListener' | 'removeEventListener'> & { document: Pick<Document, 'visibilityState'> };
  clock?: Pick<BeaconReporterOptions, 'now' | 'setInterval' | 'clearInterval' | 'intervalMs'>;
  /** Wall clock for the live position (Date.now by default). */
  wallClock?: () => number;
}

// These report a stall that the rebuffer events already count, or hls.js's own recovery from one.
const StallDetails = new Set<string>([ErrorDetails.BUFFER_STALLED_ERROR, ErrorDetails.BUFFER_NUDGE_ON_STALL, ErrorDetails.BUFFER_SEEK_OVER_HOLE]);
const HaveFutureData = 3;

/**
 * Starts the beacons of one playback on `video` (call before the player starts loading, so the startup
 * clock starts with it). Live position: the playing date (PROGRAM-DATE-TIME) or the wall clock minus the
 * latency, as seconds since `startedAt`; the media time when the start is unknown. VOD: the media time.
 */
export function attachBeacons(video: HTMLVideoElement, options: AttachBeaconsOptions): PlaybackBeacons {
  let hls: Hls | null = null;
  const startedAt = options.startedAt ? Date.parse(options.startedAt) : Number.NaN;
  const wallClock = options.wallClock ?? Date.now;
  const live = 'liveSessionId' in options.target;

  const position = (): number | null => {
    if (!live || !Number.isFinite(startedAt)) return Number.isFinite(video.currentTime) ? video.currentTime : null;
    const playingDate = hls?.playingDate;
    if (playingDate) return Math.max(0, (playingDate.getTime() - startedAt) / 1000);
    const latency = hls?.latency;
    return Math.max(0, (wallClock() - startedAt) / 1000 - (latency !== undefined && Number.isFinite(latency) ? latency : 0));
  };

  const ids = { viewerId: viewerId(), playbackId: randomId() };
  // The ticket is asked for now, as the player starts, so it is there for the first beacon (and an early unload).
  const ticket = options.ticket ?? (options.send ? undefined : createTicketSource({ ...options.target, ...ids }));
  void ticket?.();
  const send = options.send ?? createBeaconTransport();
  const reporter = new BeaconReporter({
    target: options.target,
    ...ids,
    send: ticket ? withTicket(send, ticket) : send,
    position,
    ...options.clock,
  });

  const videoHandlers: Record<string, () => void> = {
    play: () => reporter.playRequested(),
    playing: () => reporter.playing(),
    waiting: () => (video.seeking ? reporter.seeking() : reporter.waiting()),
    seeking: () => reporter.seeking(),
    // A seek inside the buffer fires no `playing`: frames move again as soon as it is done.
    seeked: () => !video.paused && video.readyState >= HaveFutureData && reporter.playing(),
    pause: () => !video.ended && reporter.paused(),
    ended: () => reporter.ended(),
    timeupdate: () => reporter.time(video.currentTime),
    // Native HLS (Safari) has no hls.js to report errors.
    error: () => !hls && reporter.error(`media_error_${video.error?.code ?? 0}`, true),
  };
  for (const [name, handler] of Object.entries(videoHandlers)) video.addEventListener(name, handler);

  const page = options.page ?? (typeof window === 'undefined' ? undefined : window);
  const onPageHide = () => reporter.flush(true);
  const onVisibility = () => page?.document.visibilityState === 'hidden' && reporter.flush(true);
  page?.addEventListener('pagehide', onPageHide);
  page?.addEventListener('visibilitychange', onVisibility);

  const onLevelSwitched = (_event: string, data: LevelSwitchedData) => {
    const level = hls?.levels[data.level];
    if (level) reporter.renditionChanged(levelLabel(level));
  };
  const onError = (_event: string, data: ErrorData) => {
    if (!data.fatal && StallDetails.has(data.details)) {
      if (data.details === ErrorDetails.BUFFER_STALLED_ERROR) reporter.waiting();
      return;
    }
    reporter.error(data.details, data.fatal);
  };

  reporter.start();
  return {
    reporter,
    attachHls(next) {
      hls = next;
      next.on(Events.LEVEL_SWITCHED, onLevelSwitched);
      next.on(Events.ERROR, onError);
    },
    paused: () => reporter.paused(),
    stop() {
      for (const [name, handler] of Object.entries(videoHandlers)) video.removeEventListener(name, handler);
      page?.removeEventListener('pagehide', onPageHide);
      page?.removeEventListener('visibilitychange', onVisibility);
      hls?.off(Events.LEVEL_SWITCHED, onLevelSwitched);
      hls?.off(Events.ERROR, onError);
      hls = null;
      reporter.stop();
    },
  };
}
