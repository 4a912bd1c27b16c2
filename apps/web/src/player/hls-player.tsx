import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MutedIcon, PlayIcon, VolumeIcon } from '../components/icons';
import { attachBeacons } from './beacon-attach';
import { LivePlayback, type PlaybackSnapshot } from './live-playback';
import { QualityMenu } from './quality-menu';

interface HlsPlayerProps {
  /** The HLS master playlist URL (absolute or root-relative). */
  src: string;
  /** Called once the stream's last segment has played (the playlist got #EXT-X-ENDLIST). */
  onEnded?: () => void;
  /** The live session being watched: playback beacons report on it (none without). */
  beacon?: { liveSessionId: string; startedAt: string | null };
}

const initial: PlaybackSnapshot = { phase: 'loading', levels: [], selectedLevel: -1, activeLevel: -1, muted: true };

/** A live video player: muted autoplay, unmute button, quality menu, recovery from errors. */
export function HlsPlayer({ src, onEnded, beacon }: HlsPlayerProps) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const playbackRef = useRef<LivePlayback | null>(null);
  const [snapshot, setSnapshot] = useState<PlaybackSnapshot>(initial);
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;
  const beaconSession = beacon?.liveSessionId ?? null;
  // Read when the playback starts: a later poll must not restart the video.
  const beaconStartRef = useRef<string | null>(null);
  beaconStartRef.current = beacon?.startedAt ?? null;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    // Before the playback starts, so the startup clock starts with the load.
    const beacons = beaconSession ? attachBeacons(video, { target: { liveSessionId: beaconSession }, startedAt: beaconStartRef.current }) : null;
    const playback = new LivePlayback(
      video,
      src,
      (next) => {
        setSnapshot(next);
        if (next.phase === 'paused') beacons?.paused();
        if (next.phase === 'ended') onEndedRef.current?.();
      },
      beacons?.attachHls,
    );
    playbackRef.current = playback;
    setSnapshot(initial);
    playback.start();
    return () => {
      beacons?.stop();
      playback.destroy();
      playbackRef.current = null;
    };
  }, [src, beaconSession]);

  const { phase, muted } = snapshot;
  const overlay =
    phase === 'loading' || phase === 'buffering'
      ? t('player.buffering')
      : phase === 'reconnecting'
        ? t('player.reconnecting')
        : phase === 'unsupported'
          ? t('player.unsupported')
          : null;

  return (
    <div className="player" data-phase={phase}>
      <video ref={videoRef} className="player__video" data-testid="video" autoPlay muted playsInline />
      {overlay && (
        <div className="player__overlay" role="status">
          {phase !== 'unsupported' && <span className="spinner" aria-hidden="true" />}
          <span>{overlay}</span>
        </div>
      )}
      {phase === 'paused' && (
        <button type="button" className="player__big-play" onClick={() => playbackRef.current?.play()}>
          <PlayIcon />
          <span className="visually-hidden">{t('player.play')}</span>
        </button>
      )}
      <div className="player__bar">
        <span className="badge badge--live">{t('status.live')}</span>
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
  );
}
