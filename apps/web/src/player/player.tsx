import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PlayIcon } from '../components/icons';
import type { StoryboardCue } from '../vods/storyboard';
import { ReplayIcon } from '../vods/vod-icons';
import { attachBeacons } from './beacon-attach';
import { initialSnapshot, Playback, type PlaybackSnapshot } from './playback';
import { ControlBar } from './player-controls';
import { DoubleTap, JumpSeconds, keyAction, keyBelongsToControl, tapZone, type PlayerAction } from './player-keys';
import './player.css';

interface PlayerProps {
  /** The HLS master playlist URL (absolute or root-relative). */
  src: string;
  kind: 'live' | 'vod';
  /** Live: how the broadcast is packaged; `low` plays with the low-latency hls.js config. */
  latencyMode?: 'normal' | 'low';
  /** Live: seconds a viewer may rewind (the channel's DVR window; 0 = off). */
  dvrWindowSeconds?: number;
  poster?: string | null;
  /** VOD: seconds to start at (a `?t=` link). Read when a source starts only. */
  startAt?: number | null;
  /** VOD: storyboard thumbnails for the seek bar. */
  cues?: readonly StoryboardCue[];
  /** VOD: the duration the API knows, shown until the media reports its own. */
  durationHint?: number | null;
  /** Reports the playhead (VOD: the page carries it over to another source, chat replay, share at time). */
  onTime?: (seconds: number) => void;
  /** Live: the last segment has played (the playlist got #EXT-X-ENDLIST). */
  onEnded?: () => void;
  /**
   * Shows a "Clip" button; called with where the viewer is: the playhead, and (live) how far behind the newest
   * media the player has. Full screen is left first, so the page's clip dialog shows.
   */
  onClip?: (at: { currentTime: number; behindLive: number }) => void;
  /** What playback beacons report on (none without): the live session, with its start, or the VOD. */
  beacon?: { liveSessionId: string; startedAt: string | null } | { vodId: string };
}

const noCues: StoryboardCue[] = [];
const TapFlashMs = 600;

/**
 * The one video player of the site, live and on demand: muted autoplay, play/pause, volume, seek bar (VOD, and
 * live within the channel's DVR window with a LIVE button back to the edge), quality and subtitle menus,
 * picture in picture, full screen, YouTube-style keys and double-tap seeking, worded states in both languages.
 */
export function Player(props: PlayerProps) {
  const { src, kind, latencyMode = 'normal', dvrWindowSeconds = 0, poster, startAt = null, cues = noCues, durationHint = null } = props;
  const { t } = useTranslation();
  const rootRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const playbackRef = useRef<Playback | null>(null);
  const [snapshot, setSnapshot] = useState<PlaybackSnapshot>(() => initialSnapshot(startAt));
  const [started, setStarted] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [pipActive, setPipActive] = useState(false);
  const [flash, setFlash] = useState<{ text: string; side: 'back' | 'forward'; at: number } | null>(null);
  const [doubleTap] = useState(() => new DoubleTap());
  const tapTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const callbacks = useRef({ onTime: props.onTime, onEnded: props.onEnded });
  callbacks.current = { onTime: props.onTime, onEnded: props.onEnded };
  // Read when the playback starts: a later poll must not restart the video.
  const beaconRef = useRef(props.beacon);
  beaconRef.current = props.beacon;
  const beaconKey = props.beacon ? ('vodId' in props.beacon ? props.beacon.vodId : props.beacon.liveSessionId) : null;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const target = beaconRef.current;
    // Before the playback starts, so the startup clock starts with the load.
    const beacons = target
      ? attachBeacons(video, 'vodId' in target ? { target: { vodId: target.vodId } } : { target: { liveSessionId: target.liveSessionId }, startedAt: target.startedAt })
      : null;
    const playback = new Playback(
      video,
      src,
      (next) => {
        setSnapshot(next);
        if (next.phase === 'playing') setStarted(true);
        if (next.phase === 'paused') beacons?.paused();
        if (next.phase === 'ended' && kind === 'live') callbacks.current.onEnded?.();
        callbacks.current.onTime?.(next.currentTime);
      },
      { kind, latencyMode, dvrWindowSeconds, startAt, ...(beacons ? { onHls: beacons.attachHls } : {}) },
    );
    playbackRef.current = playback;
    setSnapshot(initialSnapshot(startAt));
    playback.start();
    return () => {
      beacons?.stop();
      playback.destroy();
      playbackRef.current = null;
    };
    // startAt only matters when a source starts; a later change must not reload the video.
  }, [src, kind, latencyMode, dvrWindowSeconds, beaconKey]);

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === rootRef.current);
    document.addEventListener('fullscreenchange', onChange);
    const video = videoRef.current;
    const enter = () => setPipActive(true);
    const leave = () => setPipActive(false);
    video?.addEventListener('enterpictureinpicture', enter);
    video?.addEventListener('leavepictureinpicture', leave);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      video?.removeEventListener('enterpictureinpicture', enter);
      video?.removeEventListener('leavepictureinpicture', leave);
      clearTimeout(tapTimer.current);
    };
  }, []);

  const playback = playbackRef.current;
  const { phase } = snapshot;
  const duration = Number.isFinite(snapshot.duration) && snapshot.duration > 0 ? snapshot.duration : (durationHint ?? 0);
  const seekable = kind === 'vod' ? duration > 0 : snapshot.window !== null;

  const toggleFullscreen = () => {
    const root = rootRef.current;
    if (!root) return;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else if (root.requestFullscreen) void root.requestFullscreen().catch(() => undefined);
    // iPhone Safari: only the video element itself goes full screen.
    else (videoRef.current as (HTMLVideoElement & { webkitEnterFullscreen?: () => void }) | null)?.webkitEnterFullscreen?.();
  };
  const pipSupported = typeof document !== 'undefined' && document.pictureInPictureEnabled === true;
  const togglePip = () => {
    const video = videoRef.current;
    if (!video) return;
    if (document.pictureInPictureElement) void document.exitPictureInPicture().catch(() => undefined);
    else void video.requestPictureInPicture().catch(() => undefined);
  };

  const run = (action: PlayerAction) => {
    const p = playbackRef.current;
    const video = videoRef.current;
    if (!p || !video) return;
    switch (action.type) {
      case 'toggle-play':
        return p.togglePlay();
      case 'toggle-mute':
        return p.setMuted(!video.muted);
      case 'fullscreen':
        return toggleFullscreen();
      case 'seek-by':
        return p.seekBy(action.seconds);
      case 'seek-start':
        return p.seek(kind === 'vod' ? 0 : (snapshot.window?.start ?? 0));
      case 'seek-end':
        return p.seek(duration);
      case 'go-live':
        return p.goLive();
      case 'volume-by':
        // From the element: a key repeat may come before React renders the last change.
        return p.setVolume((video.muted ? 0 : video.volume) + action.delta);
    }
  };

  const clip = () => {
    const video = videoRef.current;
    if (!video || !props.onClip) return;
    const end = video.seekable.length > 0 ? video.seekable.end(video.seekable.length - 1) : video.currentTime;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    props.onClip({ currentTime: video.currentTime, behindLive: kind === 'live' ? Math.max(0, end - video.currentTime) : 0 });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (keyBelongsToControl(event.key, event.target as HTMLElement)) return;
    const action = keyAction(event, { kind, seekable });
    if (!action) return;
    event.preventDefault();
    run(action);
  };

  const onVideoPointerUp = (event: PointerEvent<HTMLVideoElement>) => {
    if (event.pointerType !== 'touch') {
      playbackRef.current?.togglePlay();
      return;
    }
    const rect = event.currentTarget.getBoundingClientRect();
    const zone = tapZone(event.clientX - rect.left, rect.width);
    clearTimeout(tapTimer.current);
    if (zone !== 'middle' && seekable && doubleTap.tap(zone, Date.now())) {
      const seconds = zone === 'back' ? -JumpSeconds : JumpSeconds;
      playbackRef.current?.seekBy(seconds);
      setFlash({ text: zone === 'back' ? t('player.seekBack', { seconds: JumpSeconds }) : t('player.seekForward', { seconds: JumpSeconds }), side: zone, at: Date.now() });
      tapTimer.current = setTimeout(() => setFlash(null), TapFlashMs);
      return;
    }
    // A single tap toggles play, once it is clear no second tap follows.
    tapTimer.current = setTimeout(() => playbackRef.current?.togglePlay(), zone === 'middle' || !seekable ? 0 : 300);
  };

  const overlay =
    phase === 'loading' || phase === 'buffering'
      ? t('player.buffering')
      : phase === 'reconnecting'
        ? t('player.reconnecting')
        : phase === 'error'
          ? t('player.error')
          : phase === 'unsupported'
            ? t('player.unsupported')
            : null;
  const showBigPlay = (phase === 'paused' && (!started || kind === 'live')) || (phase === 'ended' && kind === 'vod');

  return (
    <div
      ref={rootRef}
      className={`player player--${kind}`}
      data-phase={phase}
      data-fullscreen={fullscreen || undefined}
      role="region"
      aria-label={t('player.region')}
      aria-keyshortcuts="Space K F M ArrowLeft ArrowRight ArrowUp ArrowDown J L Home End"
      aria-describedby={`${kind}-player-keys`}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="player"
    >
      <span id={`${kind}-player-keys`} className="visually-hidden">
        {t('player.shortcuts')}
      </span>
      <video
        ref={videoRef}
        className="player__video"
        data-testid="video"
        poster={poster ?? undefined}
        muted
        playsInline
        onPointerUp={onVideoPointerUp}
      />
      {overlay && (
        <div className={`player__overlay${phase === 'error' || phase === 'unsupported' ? ' player__overlay--problem' : ''}`} role="status" data-testid="player-status">
          {phase !== 'unsupported' && phase !== 'error' && <span className="spinner" aria-hidden="true" />}
          <span>{overlay}</span>
        </div>
      )}
      {flash && (
        <div className={`player__flash player__flash--${flash.side}`} aria-hidden="true" data-testid="tap-flash">
          {flash.text}
        </div>
      )}
      {showBigPlay && (
        <button type="button" className="player__big-play" onClick={() => playbackRef.current?.play()} data-testid="big-play">
          {phase === 'ended' ? <ReplayIcon /> : <PlayIcon />}
          <span className="visually-hidden">{phase === 'ended' ? t('vod.player.replay') : t('player.play')}</span>
        </button>
      )}
      <ControlBar
        kind={kind}
        snapshot={snapshot}
        playback={playback}
        duration={duration}
        cues={cues}
        fullscreen={fullscreen}
        onFullscreen={toggleFullscreen}
        pip={pipSupported ? { active: pipActive, toggle: togglePip } : null}
        onClip={props.onClip ? clip : undefined}
      />
    </div>
  );
}
