import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock } from './format';
import { cueAt, type StoryboardCue } from './storyboard';

interface SeekBarProps {
  /** Seconds; 0 while unknown (the bar is then inert). */
  duration: number;
  currentTime: number;
  bufferedEnd: number;
  /** Storyboard thumbnails; empty shows only the time in the preview. */
  cues: readonly StoryboardCue[];
  onSeek(seconds: number): void;
  /** Accessible name; default "Seek". */
  label?: string;
  /** How a time on the bar reads (preview and screen readers); default the clock, "1:05 of 10:00" for readers. */
  format?: (seconds: number) => { preview: string; spoken: string };
}

/** Arrow keys move this many seconds; Page Up/Down a tenth of the video (at least this). */
const StepSeconds = 5;
/** Half of the widest preview: keeps it inside the bar at both ends. */
const PreviewHalfWidth = 84;

/** Where a pointer or key points: the time and the preview's x offset within the bar. */
interface Aim {
  time: number;
  left: number;
}

/**
 * The VOD seek bar: an ARIA slider (arrows, Page Up/Down, Home/End) that previews the storyboard
 * thumbnail of the time under the pointer, while hovering or dragging, and of the time a key moved to.
 */
export function SeekBar({ duration, currentTime, bufferedEnd, cues, onSeek, label, format }: SeekBarProps) {
  const { t } = useTranslation();
  const describe = format ?? ((seconds: number) => ({ preview: formatClock(seconds), spoken: t('vod.player.seekValue', { time: formatClock(seconds), duration: formatClock(duration) }) }));
  const trackRef = useRef<HTMLDivElement>(null);
  const [aim, setAim] = useState<Aim | null>(null);
  const [dragging, setDragging] = useState(false);
  const seekable = duration > 0;

  const aimAt = (time: number): Aim => {
    const clamped = Math.min(Math.max(time, 0), duration);
    const width = trackRef.current?.getBoundingClientRect().width ?? 0;
    const x = duration > 0 ? (clamped / duration) * width : 0;
    // Keep the preview box inside the bar; without layout (tests), x stays as is.
    const left = width > PreviewHalfWidth * 2 ? Math.min(Math.max(x, PreviewHalfWidth), width - PreviewHalfWidth) : x;
    return { time: clamped, left };
  };
  const timeAtPointer = (event: PointerEvent<HTMLDivElement>): number => {
    const rect = event.currentTarget.getBoundingClientRect();
    const fraction = rect.width > 0 ? (event.clientX - rect.left) / rect.width : 0;
    return Math.min(Math.max(fraction, 0), 1) * duration;
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (!seekable || event.button !== 0) return;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    event.currentTarget.focus();
    setDragging(true);
    setAim(aimAt(timeAtPointer(event)));
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (seekable) setAim(aimAt(timeAtPointer(event)));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    setDragging(false);
    onSeek(timeAtPointer(event));
  };
  const onPointerLeave = () => {
    if (!dragging) setAim(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!seekable) return;
    const page = Math.max(duration / 10, StepSeconds * 2);
    const from = aim?.time ?? currentTime;
    const targets: Record<string, number> = {
      ArrowRight: from + StepSeconds,
      ArrowUp: from + StepSeconds,
      ArrowLeft: from - StepSeconds,
      ArrowDown: from - StepSeconds,
      PageUp: from + page,
      PageDown: from - page,
      Home: 0,
      End: duration,
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = aimAt(target);
    setAim(next);
    onSeek(next.time);
  };

  // While dragging, the bar follows the pointer; otherwise the video.
  const shown = dragging && aim ? aim.time : currentTime;
  const percent = (value: number) => `${seekable ? Math.min(100, Math.max(0, (value / duration) * 100)) : 0}%`;
  const cue = aim ? cueAt(cues, aim.time) : null;

  return (
    <div className="seek">
      <div
        ref={trackRef}
        className="seek__track"
        role="slider"
        tabIndex={seekable ? 0 : -1}
        aria-label={label ?? t('vod.player.seek')}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(shown)}
        aria-valuetext={describe(shown).spoken}
        aria-disabled={!seekable}
        data-testid="seek-bar"
        data-dragging={dragging || undefined}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDragging(false)}
        onPointerLeave={onPointerLeave}
        onKeyDown={onKeyDown}
        onBlur={() => dragging || setAim(null)}
      >
        <div className="seek__rail">
          <div className="seek__buffered" style={{ width: percent(bufferedEnd) }} />
          <div className="seek__played" style={{ width: percent(shown) }} />
        </div>
        <div className="seek__handle" style={{ left: percent(shown) }} />
      </div>
      {aim && (
        <div className="seek__preview" style={{ left: `${aim.left}px` }} data-testid="seek-preview" aria-hidden="true">
          {cue && (
            <div
              className="seek__thumb"
              data-testid="storyboard-thumb"
              style={{
                width: `${cue.width}px`,
                height: `${cue.height}px`,
                backgroundImage: `url("${cue.url}")`,
                backgroundPosition: `${-cue.x}px ${-cue.y}px`,
              }}
            />
          )}
          <span className="seek__time">{describe(aim.time).preview}</span>
        </div>
      )}
    </div>
  );
}
