import Hls, { ErrorDetails, ErrorTypes, Events, type ErrorData, type HlsConfig } from 'hls.js';
import { chooseLevel, isMuted, listen, playOrReport, setMuted } from './media-element';
import { qualityOptions, type QualityOption } from './quality';

/** What the player UI shows; changes are pushed to the listener as whole snapshots. */
export interface PlaybackSnapshot {
  phase: 'loading' | 'playing' | 'buffering' | 'reconnecting' | 'paused' | 'ended' | 'unsupported';
  /** Ladder entries, best first; empty with native HLS (the browser picks the level). */
  levels: QualityOption[];
  /** The viewer's choice: a level index, or -1 for automatic. */
  selectedLevel: number;
  /** The level being played now, -1 while unknown. */
  activeLevel: number;
  muted: boolean;
}

declare global {
  interface Window {
    /** Test hook for the end-to-end suite: the hls.js instance of the current player. */
    __onda?: { hls: Hls | null };
  }
}

/**
 * Live tuning for 2 s segments: sit ~3 s behind the edge, and once more than 8 s behind,
 * speed up (at most 1.25x, barely audible) instead of jumping, so a stall is caught up smoothly.
 */
export const LiveHlsConfig: Partial<HlsConfig> = {
  lowLatencyMode: false, // the packager writes plain HLS, no partial segments
  liveSyncDuration: 3,
  liveMaxLatencyDuration: 8,
  maxLiveSyncPlaybackRate: 1.25,
  maxBufferLength: 12,
  backBufferLength: 30,
  enableWorker: true,
};

const HlsMime = 'application/vnd.apple.mpegurl';
const MediaRecoveryWindowMs = 3000;

/** Owns one hls.js instance (or native HLS) bound to a video element for one playback URL. */
export class LivePlayback {
  private hls: Hls | null = null;
  private snapshot: PlaybackSnapshot;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private lastMediaRecovery = 0;
  private codecsSwapped = false;
  private destroyed = false;
  private readonly detachVideo: () => void;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly src: string,
    private readonly onChange: (snapshot: PlaybackSnapshot) => void,
    /** Called with every hls.js instance this playback creates (playback beacons follow it). */
    private readonly onHls?: (hls: Hls) => void,
  ) {
    this.snapshot = { phase: 'loading', levels: [], selectedLevel: -1, activeLevel: -1, muted: true };
    this.detachVideo = this.listenToVideo();
  }

  /** Starts loading; muted so browsers allow autoplay without a gesture. */
  start(): void {
    this.video.muted = true;
    if (Hls.isSupported()) {
      this.createHls();
    } else if (this.video.canPlayType(HlsMime)) {
      this.video.src = this.src;
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

  /** Resumes after an autoplay refusal or a pause, jumping back to the live edge. */
  play(): void {
    const edge = this.hls?.liveSyncPosition;
    if (edge != null && Number.isFinite(edge)) this.video.currentTime = edge;
    this.tryPlay();
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    this.detachVideo();
    this.destroyHls();
    this.video.removeAttribute('src');
    this.video.load();
  }

  private createHls(): void {
    const hls = new Hls(LiveHlsConfig);
    this.hls = hls;
    window.__onda = { hls };
    hls.on(Events.MANIFEST_PARSED, (_event, data) => {
      this.retries = 0;
      this.update({ levels: qualityOptions(data.levels), selectedLevel: hls.autoLevelEnabled ? -1 : hls.currentLevel });
      this.tryPlay();
    });
    hls.on(Events.LEVEL_SWITCHED, (_event, data) => this.update({ activeLevel: data.level }));
    hls.on(Events.FRAG_LOADED, () => {
      this.retries = 0;
    });
    hls.on(Events.ERROR, (_event, data) => this.onError(data));
    this.onHls?.(hls);
    hls.attachMedia(this.video);
    hls.loadSource(this.src);
  }

  private destroyHls(): void {
    if (!this.hls) return;
    this.hls.destroy();
    this.hls = null;
    if (window.__onda) window.__onda = { hls: null };
  }

  private onError(data: ErrorData): void {
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
    return listen(this.video, {
      playing: () => this.update({ phase: 'playing' }),
      waiting: () => {
        if (this.snapshot.phase !== 'reconnecting') this.update({ phase: 'buffering' });
      },
      pause: () => {
        if (!this.video.ended) this.update({ phase: 'paused' });
      },
      // Fired once hls.js has seen #EXT-X-ENDLIST and the last segment has been played.
      ended: () => this.update({ phase: 'ended' }),
      volumechange: () => this.update({ muted: isMuted(this.video) }),
    });
  }

  private update(patch: Partial<PlaybackSnapshot>): void {
    if (this.destroyed) return;
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot);
  }
}
