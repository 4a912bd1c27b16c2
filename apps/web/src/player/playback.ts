import Hls, { ErrorDetails, ErrorTypes, Events, type ErrorData, type HlsConfig } from 'hls.js';
import { LiveHlsConfig } from './live-playback';
import { LowLatencyHlsConfig } from './ll-config';
import { catchUpToTarget, playAtTarget } from './live-start';
import { chooseLevel, isMuted, listen, playOrReport, setMuted } from './media-element';
import { qualityOptions, type QualityOption } from './quality';

/** What the player UI shows; changes are pushed to the listener as whole snapshots. */
export interface PlaybackSnapshot {
  phase: 'loading' | 'playing' | 'buffering' | 'reconnecting' | 'paused' | 'ended' | 'error' | 'unsupported';
  /** Ladder entries, best first; empty with native HLS (the browser picks the level). */
  levels: QualityOption[];
  /** The viewer's choice: a level index, or -1 for automatic. */
  selectedLevel: number;
  /** The level being played now, -1 while unknown. */
  activeLevel: number;
  muted: boolean;
  /** 0-1, the element's volume (independent of `muted`). */
  volume: number;
  currentTime: number;
  /** VOD: seconds, or NaN until known. Live: NaN. */
  duration: number;
  /** End of the buffered range around the playhead. */
  bufferedEnd: number;
  /** Live with DVR: the range a viewer may seek in (media time); `edge` is where "LIVE" plays. Null otherwise. */
  window: { start: number; edge: number } | null;
  /** Live: the viewer follows the live edge (false once they pause or rewind with DVR, until they go live). */
  following: boolean;
  /** Subtitle tracks of the stream (hls.js ids); empty when it has none. */
  subtitles: Array<{ id: number; label: string }>;
  /** The subtitle track shown, -1 for none. */
  subtitle: number;
}

export interface PlaybackOptions {
  kind: 'live' | 'vod';
  /** Live: `low` is LL-HLS (parts, blocking reload), played with the low-latency config. */
  latencyMode?: 'normal' | 'low';
  /** VOD: seconds to start at (a `?t=` link). */
  startAt?: number | null;
  /** Live: seconds a viewer may rewind (0 = DVR off: a resume jumps to the live edge). */
  dvrWindowSeconds?: number;
  /** Called with every hls.js instance this playback creates (playback beacons follow it). */
  onHls?: (hls: Hls) => void;
}

declare global {
  interface Window {
    /** Test hook for the end-to-end suite: the hls.js instance of the current player. */
    __onda?: { hls: Hls | null };
  }
}

/** On-demand tuning: buffer further ahead than live. */
const VodHlsConfig: Partial<HlsConfig> = { maxBufferLength: 30, backBufferLength: 60, enableWorker: true };
const HlsMime = 'application/vnd.apple.mpegurl';
const MediaRecoveryWindowMs = 3000;
const VodMaxNetworkRetries = 4;
/** Live: the longest a start waits for its position behind the edge (about two segments / a few parts). */
const LiveStartWaitMs = 5000;
const LowLatencyStartWaitMs = 3000;

export const initialSnapshot = (startAt: number | null = null): PlaybackSnapshot => ({
  phase: 'loading', levels: [], selectedLevel: -1, activeLevel: -1, muted: true, volume: 1,
  currentTime: startAt ?? 0, duration: Number.NaN, bufferedEnd: 0, window: null, following: true, subtitles: [], subtitle: -1,
});

/**
 * Owns one hls.js instance (or native HLS) bound to a video element for one playback URL, live or on demand.
 * Live retries for as long as the page shows the player (the broadcast may come back); VOD gives up after a
 * few network retries and says so.
 */
export class Playback {
  private hls: Hls | null = null;
  private snapshot: PlaybackSnapshot;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private lastMediaRecovery = 0;
  private codecsSwapped = false;
  private destroyed = false;
  /** Live: cancels the wait for the start position (playAtTarget), then the catch-up rule (catchUpToTarget). */
  private stopLiveRules: () => void = () => undefined;
  /** The config's jump-to-live distance, suspended while a DVR viewer watches behind the edge on purpose. */
  private maxLatency: number | undefined;
  private readonly detachVideo: () => void;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly src: string,
    private readonly onChange: (snapshot: PlaybackSnapshot) => void,
    private readonly options: PlaybackOptions,
  ) {
    this.snapshot = initialSnapshot(options.startAt);
    this.detachVideo = this.listenToVideo();
  }

  private get live(): boolean {
    return this.options.kind === 'live';
  }

  private get dvr(): boolean {
    return this.live && (this.options.dvrWindowSeconds ?? 0) > 0;
  }

  /** Starts loading; muted so browsers allow autoplay without a gesture. */
  start(): void {
    this.video.muted = true;
    if (Hls.isSupported()) {
      this.createHls();
    } else if (this.video.canPlayType(HlsMime)) {
      this.video.src = this.src;
      const startAt = this.options.startAt;
      if (startAt) this.video.addEventListener('loadedmetadata', () => this.seek(startAt), { once: true });
      this.tryPlay();
    } else {
      this.update({ phase: 'unsupported' });
    }
  }

  /** Picks a level index, or -1 to let hls.js adapt. */
  setLevel(level: number): void {
    if (this.hls) this.update({ selectedLevel: chooseLevel(this.hls, level) });
  }

  setMuted(muted: boolean): void {
    setMuted(this.video, muted);
  }

  /** Sets the volume (0-1); a volume above 0 also unmutes, 0 mutes. */
  setVolume(volume: number): void {
    const v = Math.min(1, Math.max(0, volume));
    this.video.volume = v;
    this.video.muted = v === 0;
  }

  /** Shows subtitle track `id`, or none with -1. */
  setSubtitle(id: number): void {
    if (!this.hls) return;
    this.hls.subtitleTrack = id;
    this.hls.subtitleDisplay = id >= 0;
    this.update({ subtitle: id });
  }

  /** Resumes after an autoplay refusal or a pause; live without DVR jumps back to the live edge. */
  play(): void {
    if (this.live && !this.dvr) this.jumpToEdge();
    this.tryPlay();
  }

  pause(): void {
    this.video.pause();
  }

  togglePlay(): void {
    if (this.video.paused || this.video.ended) this.play();
    else this.pause();
  }

  /** Back to the newest media of a live stream ("LIVE"), playing. */
  goLive(): void {
    this.followEdge(true);
    this.jumpToEdge();
    this.tryPlay();
  }

  /** Jumps to `seconds` of media time, clamped to the video (VOD) or the DVR window (live). */
  seek(seconds: number): void {
    let target: number;
    if (this.live) {
      const win = this.liveWindow();
      if (!win) return;
      target = Math.min(Math.max(seconds, win.start), win.edge);
      this.followEdge(target >= win.edge - 1);
    } else {
      const duration = this.video.duration;
      target = Math.max(0, Number.isFinite(duration) ? Math.min(seconds, duration - 0.05) : seconds);
    }
    this.video.currentTime = target;
    this.update({ currentTime: target, window: this.liveWindow() });
  }

  /** Moves the playhead by `delta` seconds (keyboard and double-tap seeking). */
  seekBy(delta: number): void {
    this.seek(this.video.currentTime + delta);
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    this.detachVideo();
    this.destroyHls();
    this.video.removeAttribute('src');
    this.video.load();
  }

  /**
   * The live config jumps a viewer who falls liveMaxLatencyDuration behind back to the edge (a stall, a slow
   * start). A DVR viewer who paused or rewound is behind on purpose: that jump waits until they go live again.
   */
  private followEdge(follow: boolean): void {
    if (!this.dvr || !this.hls) return;
    (this.hls.config as { liveMaxLatencyDuration?: number }).liveMaxLatencyDuration = follow ? this.maxLatency : Number.POSITIVE_INFINITY;
    if (this.snapshot.following !== follow) this.update({ following: follow });
  }

  private jumpToEdge(): void {
    const edge = this.hls?.liveSyncPosition;
    if (edge != null && Number.isFinite(edge)) this.video.currentTime = edge;
  }

  /** Live with DVR: [start, edge] in media time, the start no further back than the channel allows. */
  private liveWindow(): PlaybackSnapshot['window'] {
    if (!this.dvr) return null;
    const { seekable } = this.video;
    if (seekable.length === 0) return null;
    const end = seekable.end(seekable.length - 1);
    const sync = this.hls?.liveSyncPosition;
    const edge = sync != null && Number.isFinite(sync) ? Math.min(sync, end) : end;
    const start = Math.max(seekable.start(0), edge - (this.options.dvrWindowSeconds ?? 0));
    return edge > start ? { start, edge } : null;
  }

  private createHls(): void {
    const { kind, latencyMode, startAt } = this.options;
    const config =
      kind === 'vod' ? { ...VodHlsConfig, startPosition: startAt ?? -1 } : latencyMode === 'low' ? LowLatencyHlsConfig : LiveHlsConfig;
    const hls = new Hls(config);
    this.hls = hls;
    this.maxLatency = hls.config.liveMaxLatencyDuration;
    window.__onda = { hls };
    hls.on(Events.MANIFEST_PARSED, (_event, data) => {
      this.retries = 0;
      this.update({ levels: qualityOptions(data.levels), selectedLevel: hls.autoLevelEnabled ? -1 : hls.currentLevel });
      // Live: start where a joining viewer would stand, not on a first segment of 0.5 s (see playAtTarget).
      if (kind === 'live') {
        this.stopLiveRules();
        this.stopLiveRules = playAtTarget(hls, this.video, (reason) => {
          // Which ended the wait, for whoever inspects the page (the end-to-end suite does).
          this.video.dataset.liveStart = reason;
          this.tryPlay();
          this.stopLiveRules = catchUpToTarget(hls, this.video, () => this.snapshot.following);
        }, latencyMode === 'low' ? LowLatencyStartWaitMs : LiveStartWaitMs);
      } else {
        this.tryPlay();
      }
    });
    hls.on(Events.LEVEL_SWITCHED, (_event, data) => this.update({ activeLevel: data.level }));
    hls.on(Events.SUBTITLE_TRACKS_UPDATED, (_event, data) => {
      this.update({ subtitles: data.subtitleTracks.map((track, id) => ({ id, label: track.name || track.lang || `#${id + 1}` })) });
    });
    hls.on(Events.SUBTITLE_TRACK_SWITCH, (_event, data) => this.update({ subtitle: hls.subtitleDisplay ? data.id : -1 }));
    hls.on(Events.FRAG_LOADED, () => {
      this.retries = 0;
    });
    hls.on(Events.ERROR, (_event, data) => (this.live ? this.onLiveError(data) : this.onVodError(data)));
    this.options.onHls?.(hls);
    hls.attachMedia(this.video);
    hls.loadSource(this.src);
    // Subtitles stay off until the viewer picks a track.
    hls.subtitleDisplay = false;
  }

  private destroyHls(): void {
    this.stopLiveRules();
    if (!this.hls) return;
    this.hls.destroy();
    this.hls = null;
    if (window.__onda) window.__onda = { hls: null };
  }

  private onVodError(data: ErrorData): void {
    if (!data.fatal || !this.hls) return;
    if (data.type === ErrorTypes.MEDIA_ERROR) {
      this.hls.recoverMediaError();
      return;
    }
    if (data.type === ErrorTypes.NETWORK_ERROR && this.retries < VodMaxNetworkRetries) {
      // A dropped connection: retry with backoff (1, 2, 4, 8 s) before giving up.
      const delay = 1000 * 2 ** this.retries;
      this.retries += 1;
      this.update({ phase: 'buffering' });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.destroyed || this.hls?.startLoad(), delay);
      return;
    }
    this.update({ phase: 'error' });
  }

  private onLiveError(data: ErrorData): void {
    if (!data.fatal) {
      if (data.details === ErrorDetails.BUFFER_STALLED_ERROR) this.update({ phase: 'buffering' });
      return;
    }
    const hls = this.hls;
    if (!hls) return;
    if (data.type === ErrorTypes.MEDIA_ERROR) {
      // Decoder hiccups usually clear with recoverMediaError; a second one right after the
      // first is often a codec mismatch, which swapping the audio codec fixes.
      const now = Date.now();
      if (now - this.lastMediaRecovery > MediaRecoveryWindowMs) {
        this.lastMediaRecovery = now;
        hls.recoverMediaError();
        return;
      }
      if (!this.codecsSwapped) {
        this.codecsSwapped = true;
        this.lastMediaRecovery = now;
        hls.swapAudioCodec();
        hls.recoverMediaError();
        return;
      }
    }
    this.update({ phase: 'reconnecting' });
    // Back off 1, 2, 4, 5, 5... s: the playlist may not exist yet just after going live, and the
    // page's status poll unmounts this player if the channel went offline meanwhile.
    const delay = Math.min(1000 * 2 ** this.retries, 5000);
    this.retries += 1;
    clearTimeout(this.retryTimer);
    const manifestFailed =
      data.details === ErrorDetails.MANIFEST_LOAD_ERROR ||
      data.details === ErrorDetails.MANIFEST_LOAD_TIMEOUT ||
      data.details === ErrorDetails.MANIFEST_PARSING_ERROR;
    this.retryTimer = setTimeout(() => {
      if (this.destroyed) return;
      if (data.type === ErrorTypes.NETWORK_ERROR && !manifestFailed && this.hls) {
        this.hls.startLoad();
      } else {
        this.destroyHls();
        this.createHls();
      }
    }, delay);
  }

  private tryPlay(): void {
    // Autoplay refused even muted (or interrupted by a reload): the UI offers a play button.
    playOrReport(this.video, () => {
      if (!this.destroyed && this.video.paused) this.update({ phase: 'paused' });
    });
  }

  private listenToVideo(): () => void {
    const video = this.video;
    const times = () => ({ currentTime: video.currentTime, duration: this.live ? Number.NaN : video.duration, bufferedEnd: bufferedEnd(video), window: this.liveWindow() });
    return listen(video, {
      playing: () => this.update({ phase: 'playing', ...times() }),
      waiting: () => {
        if (this.snapshot.phase !== 'reconnecting') this.update({ phase: 'buffering' });
      },
      pause: () => {
        if (video.ended) return;
        this.followEdge(false);
        this.update({ phase: 'paused', ...times() });
      },
      // Live: fired once hls.js has seen #EXT-X-ENDLIST and the last segment has been played.
      ended: () => this.update({ phase: 'ended', ...times() }),
      timeupdate: () => this.update(times()),
      durationchange: () => this.update(times()),
      progress: () => this.update({ bufferedEnd: bufferedEnd(video), window: this.liveWindow() }),
      volumechange: () => this.update({ muted: isMuted(video), volume: video.volume }),
    });
  }

  private update(patch: Partial<PlaybackSnapshot>): void {
    if (this.destroyed) return;
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot);
  }
}

function bufferedEnd(video: HTMLVideoElement): number {
  const { buffered, currentTime } = video;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) <= currentTime + 0.5 && buffered.end(i) >= currentTime) return buffered.end(i);
  }
  return currentTime;
}
