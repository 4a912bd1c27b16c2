/** What a key or gesture asks the player to do; the component carries it out on its Playback. */
export type PlayerAction =
  | { type: 'toggle-play' }
  | { type: 'toggle-mute' }
  | { type: 'fullscreen' }
  | { type: 'seek-by'; seconds: number }
  | { type: 'seek-start' }
  | { type: 'seek-end' }
  | { type: 'go-live' }
  | { type: 'volume-by'; delta: number };

export interface KeyContext {
  kind: 'live' | 'vod';
  /** The playhead can move: a VOD with a known duration, or a live stream with DVR. */
  seekable: boolean;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** Arrow keys and double taps move this far; J and L (VOD) twice as far, as on the large video sites. */
export const ArrowSeekSeconds = 5;
export const JumpSeconds = 10;
const VolumeStep = 0.1;

/** The YouTube-style shortcut for a key, or null when the key is not the player's. */
export function keyAction(event: KeyLike, context: KeyContext): PlayerAction | null {
  // Browser and OS shortcuts (Ctrl+F, Alt+Left...) stay theirs.
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  switch (key) {
    case ' ':
    case 'k':
      return { type: 'toggle-play' };
    case 'f':
      return { type: 'fullscreen' };
    case 'm':
      return { type: 'toggle-mute' };
    case 'ArrowUp':
      return { type: 'volume-by', delta: VolumeStep };
    case 'ArrowDown':
      return { type: 'volume-by', delta: -VolumeStep };
    case 'ArrowLeft':
      return context.seekable ? { type: 'seek-by', seconds: -ArrowSeekSeconds } : null;
    case 'ArrowRight':
      return context.seekable ? { type: 'seek-by', seconds: ArrowSeekSeconds } : null;
    case 'j':
      return context.kind === 'vod' && context.seekable ? { type: 'seek-by', seconds: -JumpSeconds } : null;
    case 'l':
      return context.kind === 'vod' && context.seekable ? { type: 'seek-by', seconds: JumpSeconds } : null;
    case 'Home':
      return context.seekable ? { type: 'seek-start' } : null;
    case 'End':
      // The end of a live stream is its live edge.
      return context.kind === 'live' ? { type: 'go-live' } : context.seekable ? { type: 'seek-end' } : null;
    default:
      return null;
  }
}

/**
 * Whether a key pressed on `target` belongs to that control rather than to the player: typing in a field,
 * choosing in a menu, Space/Enter on a button, arrows and Home/End on a slider.
 */
export function keyBelongsToControl(key: string, target: { tagName: string; getAttribute(name: string): string | null }): boolean {
  const tag = target.tagName.toLowerCase();
  if (tag === 'input' || tag === 'select' || tag === 'textarea') return true;
  if (tag === 'button' || target.getAttribute('role') === 'button') return key === ' ' || key === 'Enter';
  if (target.getAttribute('role') === 'slider') return /^(Arrow|Page|Home$|End$)/.test(key);
  return false;
}

/** How far behind the live edge a viewer is; within `slack` seconds counts as live (the player's own target delay). */
export function liveOffset(window: { start: number; edge: number } | null, currentTime: number, slack = 3): { behind: number; atEdge: boolean } {
  if (!window) return { behind: 0, atEdge: true };
  const behind = Math.max(0, window.edge - currentTime);
  return { behind, atEdge: behind <= slack };
}

/** Double tap on touch: the left third seeks back, the right third forward, the middle toggles play. */
export function tapZone(x: number, width: number): 'back' | 'middle' | 'forward' {
  if (width <= 0) return 'middle';
  const fraction = x / width;
  return fraction < 1 / 3 ? 'back' : fraction > 2 / 3 ? 'forward' : 'middle';
}

/** Tracks taps; `tap` answers true when this tap completes a double tap in the same zone. */
export class DoubleTap {
  private last: { at: number; zone: string } | null = null;

  constructor(private readonly windowMs = 300) {}

  tap(zone: string, now: number): boolean {
    const double = this.last !== null && this.last.zone === zone && now - this.last.at <= this.windowMs;
    this.last = double ? null : { at: now, zone };
    return double;
  }
}
