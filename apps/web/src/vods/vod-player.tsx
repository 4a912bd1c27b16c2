import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MutedIcon, PlayIcon, VolumeIcon } from '../components/icons';
import { attachBeacons } from '../player/beacon-attach';
import { QualityMenu } from '../player/quality-menu';
import { formatClock } from './format';
import { SeekBar } from './seek-bar';
import type { StoryboardCue } from './storyboard';
import { PauseIcon, ReplayIcon, SmallPlayIcon } from './vod-icons';
import { VodPlayback, type VodSnapshot } from './vod-playback';

interface VodPlayerProps {
  /** HLS playlist URL (the VOD ladder, or the broadcast's finished live HLS as instant replay). */
  src: string;
  poster: string | null;
  /** Seconds to start at (a `?t=` deep link), or null for the beginning. */
  startAt: number | null;
  cues: readonly StoryboardCue[];
  /** The duration the API knows, shown until the media reports its own. */
  durationHint: number | null;
  /** Reports the playhead, so the page can carry it over to another source. */
  onTime?: (seconds: number) => void;
  /** The VOD being watched: playback beacons report on it (none without). */
  vodId?: string;
}

const initial = (startAt: number | null): VodSnapshot => ({
  phase: 'loading',
  levels: [],
  selectedLevel: -1,
  activeLevel: -1,
  muted: true,
  currentTime: startAt ?? 0,
  duration: Number.NaN,
  bufferedEnd: 0,
});

/** An on-demand player: muted autoplay, play/pause, unmute, seek bar with storyboard previews, quality menu. */
export function VodPlayer({ src, poster, startAt, cues, durationHint, onTime, vodId }: VodPlayerProps) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const playbackRef = useRef<VodPlayback | null>(null);
  const [snapshot, setSnapshot] = useState<VodSnapshot>(() => initial(startAt));
  const [started, setStarted] = useState(false);
  const onTimeRef = useRef(onTime);
  onTimeRef.current = onTime;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    // Before the playback starts, so the startup clock starts with the load.
    const beacons = vodId ? attachBeacons(video, { target: { vodId } }) : null;
    const playback = new VodPlayback(
      video,
      src,
      startAt,
      (next) => {
        setSnapshot(next);
        if (next.phase === 'playing') setStarted(true);
        if (next.phase === 'paused') beacons?.paused();
        onTimeRef.current?.(next.currentTime);
      },
      beacons?.attachHls,
    );
    playbackRef.current = playback;
    playback.start();
    return () => {
      beacons?.stop();
      playback.destroy();
      playbackRef.current = null;
    };
    // startAt only matters when a source starts; a later change must not reload the video.
  }, [src, vodId]);

  const { phase, muted } = snapshot;
  const duration = Number.isFinite(snapshot.duration) && snapshot.duration > 0 ? snapshot.duration : (durationHint ?? 0);
  const playing = phase === 'playing' || phase === 'buffering';
  const overlay =
    phase === 'loading' || phase === 'buffering'
      ? t('player.buffering')
      : phase === 'error'
        ? t('vod.player.error')
        : phase === 'unsupported'
          ? t('player.unsupported')
          : null;
  const toggle = () => playbackRef.current?.togglePlay();

  return (
    <div className="player vod-player" data-phase={phase}>
      <video
        ref={videoRef}
        className="player__video"
        data-testid="video"
        poster={poster ?? undefined}
        autoPlay
        muted
        playsInline
        onClick={toggle}
      />
      {overlay && (
        <div className="player__overlay" role="status">
          {phase === 'loading' || phase === 'buffering' ? <span className="spinner" aria-hidden="true" /> : null}
          <span>{overlay}</span>
        </div>
      )}
      {((phase === 'paused' && !started) || phase === 'ended') && (
        <button type="button" className="player__big-play" onClick={toggle} data-testid="big-play">
          {phase === 'ended' ? <ReplayIcon /> : <PlayIcon />}
          <span className="visually-hidden">{phase === 'ended' ? t('vod.player.replay') : t('player.play')}</span>
        </button>
      )}
      <div className="vod-player__controls">
        <SeekBar
          duration={duration}
          currentTime={snapshot.currentTime}
          bufferedEnd={snapshot.bufferedEnd}
          cues={cues}
          onSeek={(seconds) => playbackRef.current?.seek(seconds)}
        />
        <div className="vod-player__row">
          <button
            type="button"
            className="button vod-player__icon-button"
            onClick={toggle}
            aria-label={playing ? t('vod.player.pause') : t('player.play')}
            data-testid="play-toggle"
          >
            {playing ? <PauseIcon /> : <SmallPlayIcon />}
          </button>
          <button
            type="button"
            className={muted ? 'button button--accent' : 'button'}
            onClick={() => playbackRef.current?.setMuted(!muted)}
            aria-pressed={!muted}
            aria-label={muted ? t('player.unmute') : t('player.mute')}
            data-testid="mute-toggle"
          >
            {muted ? <MutedIcon /> : <VolumeIcon />}
            <span className="button__text">{muted ? t('player.unmute') : t('player.mute')}</span>
          </button>
          <span className="vod-player__time" data-testid="player-time">
            {formatClock(snapshot.currentTime)} / {formatClock(duration)}
          </span>
          <span className="player__spacer" />
          {snapshot.levels.length > 0 && (
            <QualityMenu
              options={snapshot.levels}
              selected={snapshot.selectedLevel}
              active={snapshot.activeLevel}
              onSelect={(level) => playbackRef.current?.setLevel(level)}
            />
          )}
        </div>
      </div>
    </div>
  );
}
