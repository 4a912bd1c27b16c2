import Hls, { ErrorTypes, Events, type ErrorData, type HlsConfig } from 'hls.js';
import { chooseLevel, isMuted, listen, playOrReport, setMuted } from '../player/media-element';
import { qualityOptions, type QualityOption } from '../player/quality';

/** What the VOD player UI shows; pushed to the listener as whole snapshots. */
export interface VodSnapshot {
  phase: 'loading' | 'playing' | 'paused' | 'buffering' | 'ended' | 'error' | 'unsupported';
  /** Ladder entries, best first; empty with native HLS. */
  levels: QualityOption[];
  selectedLevel: number;
  activeLevel: number;
  muted: boolean;
  currentTime: number;
  /** Seconds, or NaN until known. */
  duration: number;
  /** End of the buffered range around the playhead (for the seek bar). */
  bufferedEnd: number;
}

/** On-demand tuning: buffer further ahead than live, and start at the requested time. */
const VodHlsConfig: Partial<HlsConfig> = {
  maxBufferLength: 30,
  backBufferLength: 60,
  enableWorker: true,
};

const HlsMime = 'application/vnd.apple.mpegurl';
const MaxNetworkRetries = 4;

/** Owns one hls.js instance (or native HLS) playing one on-demand playlist in a video element. */
export class VodPlayback {
  private hls: Hls | null = null;
  private snapshot: VodSnapshot;
  private destroyed = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly detachVideo: () => void;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly src: string,
    private readonly startAt: number | null,
    private readonly onChange: (snapshot: VodSnapshot) => void,
    /** Called with the hls.js instance once created (playback beacons follow it). */
    private readonly onHls?: (hls: Hls) => void,
  ) {
    this.snapshot = { phase: 'loading', levels: [], selectedLevel: -1, activeLevel: -1, muted: true, currentTime: startAt ?? 0, duration: Number.NaN, bufferedEnd: 0 };
    this.detachVideo = this.listenToVideo();
  }

  /** Starts loading and tries muted autoplay (browsers refuse autoplay with sound). */
  start(): void {
    this.video.muted = true;
    if (Hls.isSupported()) {
      const hls = new Hls({ ...VodHlsConfig, startPosition: this.startAt ?? -1 });
      this.hls = hls;
      hls.on(Events.MANIFEST_PARSED, (_event, data) => {
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
    } else if (this.video.canPlayType(HlsMime)) {
      this.video.src = this.src;
      if (this.startAt) this.video.addEventListener('loadedmetadata', () => this.seek(this.startAt ?? 0), { once: true });
      this.tryPlay();
    } else {
      this.update({ phase: 'unsupported' });
    }
  }

  setLevel(level: number): void {
    if (this.hls) this.update({ selectedLevel: chooseLevel(this.hls, level) });
  }

  setMuted(muted: boolean): void {
    setMuted(this.video, muted);
  }

  togglePlay(): void {
    if (this.video.paused || this.video.ended) this.tryPlay();
    else this.video.pause();
  }

  /** Jumps to `seconds` (clamped to the media), showing the new time at once. */
  seek(seconds: number): void {
    const duration = this.video.duration;
    const target = Math.max(0, Number.isFinite(duration) ? Math.min(seconds, duration - 0.05) : seconds);
    this.video.currentTime = target;
    this.update({ currentTime: target });
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    this.detachVideo();
    this.hls?.destroy();
    this.hls = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  private onError(data: ErrorData): void {
    if (!data.fatal || !this.hls) return;
    if (data.type === ErrorTypes.MEDIA_ERROR) {
      this.hls.recoverMediaError();
      return;
    }
    if (data.type === ErrorTypes.NETWORK_ERROR && this.retries < MaxNetworkRetries) {
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

  private tryPlay(): void {
    playOrReport(this.video, () => {
      if (!this.destroyed && this.video.paused) this.update({ phase: 'paused' });
    });
  }

  private listenToVideo(): () => void {
    const video = this.video;
    const times = () => ({ currentTime: video.currentTime, duration: video.duration, bufferedEnd: bufferedEnd(video) });
    return listen(video, {
      playing: () => this.update({ phase: 'playing', ...times() }),
      waiting: () => this.update({ phase: 'buffering' }),
      pause: () => {
        if (!video.ended) this.update({ phase: 'paused' });
      },
      ended: () => this.update({ phase: 'ended', ...times() }),
      timeupdate: () => this.update(times()),
      durationchange: () => this.update(times()),
      progress: () => this.update({ bufferedEnd: bufferedEnd(video) }),
      volumechange: () => this.update({ muted: isMuted(video) }),
    });
  }

  private update(patch: Partial<VodSnapshot>): void {
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
