import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { CaptionsIcon, ClipIcon, ExitFullscreenIcon, FullscreenIcon, MutedIcon, PipIcon, VolumeIcon } from '../components/icons';
import { formatClock } from '../vods/format';
import { SeekBar } from '../vods/seek-bar';
import type { StoryboardCue } from '../vods/storyboard';
import { PauseIcon, SmallPlayIcon } from '../vods/vod-icons';
import type { Playback, PlaybackSnapshot } from './playback';
import { liveOffset } from './player-keys';
import { QualityMenu } from './quality-menu';

interface ControlBarProps {
  kind: 'live' | 'vod';
  snapshot: PlaybackSnapshot;
  playback: Playback | null;
  /** VOD: the duration to show (the media's, or the API's until the media knows). */
  duration: number;
  cues: readonly StoryboardCue[];
  fullscreen: boolean;
  onFullscreen(): void;
  /** Null when the browser has no picture-in-picture. */
  pip: { active: boolean; toggle(): void } | null;
  /** Shows the "Clip" button when the channel takes clips. */
  onClip?: () => void;
}

/** The control bar of the one player: seek bar (VOD, or live with DVR), buttons, menus, LIVE indicator. */
export function ControlBar({ kind, snapshot, playback, duration, cues, fullscreen, onFullscreen, pip, onClip }: ControlBarProps) {
  const { t } = useTranslation();
  const volumeId = useId();
  const { phase, muted, volume, window: dvr } = snapshot;
  const playing = phase === 'playing' || phase === 'buffering';
  // A viewer following the edge reads LIVE even while hls.js is still catching up (a late start, a stall).
  const offset = liveOffset(dvr, snapshot.currentTime);
  const behind = offset.behind;
  const atEdge = snapshot.following || offset.atEdge;
  const behindText = formatClock(behind);

  return (
    <div className="player__controls" data-testid="player-controls">
      {kind === 'vod' && (
        <SeekBar
          duration={duration}
          currentTime={snapshot.currentTime}
          bufferedEnd={snapshot.bufferedEnd}
          cues={cues}
          onSeek={(seconds) => playback?.seek(seconds)}
        />
      )}
      {kind === 'live' && dvr && (
        <SeekBar
          duration={dvr.edge - dvr.start}
          currentTime={snapshot.currentTime - dvr.start}
          bufferedEnd={snapshot.bufferedEnd - dvr.start}
          cues={[]}
          label={t('player.dvrSeek')}
          format={(seconds) => {
            const back = Math.max(0, dvr.edge - dvr.start - seconds);
            return back < 1
              ? { preview: t('player.live'), spoken: t('player.atLive') }
              : { preview: `-${formatClock(back)}`, spoken: t('player.behind', { time: formatClock(back) }) };
          }}
          onSeek={(seconds) => playback?.seek(dvr.start + seconds)}
        />
      )}
      <div className="player__row">
        <button
          type="button"
          className="player__button"
          onClick={() => playback?.togglePlay()}
          aria-label={playing ? t('player.pause') : t('player.play')}
          data-testid="play-toggle"
        >
          {playing ? <PauseIcon /> : <SmallPlayIcon />}
        </button>
        <div className="player__volume">
          <button
            type="button"
            className={muted ? 'player__button player__button--accent' : 'player__button'}
            onClick={() => playback?.setMuted(!muted)}
            aria-pressed={!muted}
            aria-label={muted ? t('player.unmute') : t('player.mute')}
            data-testid="mute-toggle"
          >
            {muted ? <MutedIcon /> : <VolumeIcon />}
          </button>
          <label htmlFor={volumeId} className="visually-hidden">
            {t('player.volume')}
          </label>
          <input
            id={volumeId}
            className="player__volume-slider"
            type="range"
            min={0}
            max={100}
            step={5}
            value={muted ? 0 : Math.round(volume * 100)}
            onChange={(event) => playback?.setVolume(Number(event.target.value) / 100)}
            data-testid="volume-slider"
          />
        </div>
        {kind === 'vod' ? (
          <span className="player__time" data-testid="player-time">
            {formatClock(snapshot.currentTime)}
            <span className="player__duration"> / {formatClock(duration)}</span>
          </span>
        ) : dvr && !atEdge ? (
          <button
            type="button"
            className="player__live player__live--behind"
            onClick={() => playback?.goLive()}
            data-testid="live-indicator"
            data-at-edge="false"
          >
            <span className="player__live-dot" aria-hidden="true" />
            {t('player.live')}
            <span className="player__behind" data-testid="live-behind">
              -{behindText}
            </span>
            {/* The name keeps the visible text first (WCAG 2.5.3), then says what a press does. */}
            <span className="visually-hidden">{t('player.goLive')}</span>
          </button>
        ) : (
          <span className="player__live" data-testid="live-indicator" data-at-edge="true" title={t('player.atLive')}>
            <span className="player__live-dot" aria-hidden="true" />
            {t('player.live')}
          </span>
        )}
        <span className="player__spacer" />
        {onClip && (
          <button type="button" className="player__button player__clip" onClick={onClip} aria-label={t('clip.make')} title={t('clip.make')} data-testid="clip-button">
            <ClipIcon />
          </button>
        )}
        {snapshot.subtitles.length > 0 && (
          <label className="player__menu" title={t('player.captions')}>
            <CaptionsIcon />
            <span className="visually-hidden">{t('player.captions')}</span>
            <select
              className="quality__select"
              value={snapshot.subtitle}
              onChange={(event) => playback?.setSubtitle(Number(event.target.value))}
              data-testid="captions-menu"
            >
              <option value={-1}>{t('player.captionsOff')}</option>
              {snapshot.subtitles.map((track) => (
                <option key={track.id} value={track.id}>
                  {track.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {snapshot.levels.length > 0 && (
          <QualityMenu
            options={snapshot.levels}
            selected={snapshot.selectedLevel}
            active={snapshot.activeLevel}
            onSelect={(level) => playback?.setLevel(level)}
          />
        )}
        {pip && (
          <button
            type="button"
            className="player__button player__pip"
            onClick={pip.toggle}
            aria-pressed={pip.active}
            aria-label={pip.active ? t('player.exitPip') : t('player.pip')}
            data-testid="pip-toggle"
          >
            <PipIcon />
          </button>
        )}
        <button
          type="button"
          className="player__button"
          onClick={onFullscreen}
          aria-label={fullscreen ? t('player.exitFullscreen') : t('player.fullscreen')}
          data-testid="fullscreen-toggle"
        >
          {fullscreen ? <ExitFullscreenIcon /> : <FullscreenIcon />}
        </button>
      </div>
    </div>
  );
}
