import { describe, expect, it } from 'vitest';
import { DoubleTap, keyAction, keyBelongsToControl, liveOffset, tapZone } from './player-keys';

const vod = { kind: 'vod' as const, seekable: true };
const live = { kind: 'live' as const, seekable: false };
const dvr = { kind: 'live' as const, seekable: true };

const el = (tagName: string, role: string | null = null) => ({ tagName, getAttribute: (name: string) => (name === 'role' ? role : null) });

describe('keyAction', () => {
  it('plays, mutes and goes full screen on both kinds', () => {
    for (const context of [vod, live]) {
      expect(keyAction({ key: ' ' }, context)).toEqual({ type: 'toggle-play' });
      expect(keyAction({ key: 'k' }, context)).toEqual({ type: 'toggle-play' });
      expect(keyAction({ key: 'K' }, context)).toEqual({ type: 'toggle-play' });
      expect(keyAction({ key: 'f' }, context)).toEqual({ type: 'fullscreen' });
      expect(keyAction({ key: 'm' }, context)).toEqual({ type: 'toggle-mute' });
      expect(keyAction({ key: 'ArrowUp' }, context)).toEqual({ type: 'volume-by', delta: 0.1 });
      expect(keyAction({ key: 'ArrowDown' }, context)).toEqual({ type: 'volume-by', delta: -0.1 });
    }
  });

  it('seeks 5 s with arrows, 10 s with J/L on VOD only, Home/End to the ends', () => {
    expect(keyAction({ key: 'ArrowLeft' }, vod)).toEqual({ type: 'seek-by', seconds: -5 });
    expect(keyAction({ key: 'ArrowRight' }, dvr)).toEqual({ type: 'seek-by', seconds: 5 });
    expect(keyAction({ key: 'j' }, vod)).toEqual({ type: 'seek-by', seconds: -10 });
    expect(keyAction({ key: 'l' }, vod)).toEqual({ type: 'seek-by', seconds: 10 });
    expect(keyAction({ key: 'j' }, dvr)).toBeNull();
    expect(keyAction({ key: 'Home' }, vod)).toEqual({ type: 'seek-start' });
    expect(keyAction({ key: 'End' }, vod)).toEqual({ type: 'seek-end' });
    expect(keyAction({ key: 'End' }, dvr)).toEqual({ type: 'go-live' });
    expect(keyAction({ key: 'Home' }, dvr)).toEqual({ type: 'seek-start' });
  });

  it('does not seek what cannot seek, and leaves modified keys and other keys alone', () => {
    expect(keyAction({ key: 'ArrowLeft' }, live)).toBeNull();
    expect(keyAction({ key: 'Home' }, live)).toBeNull();
    expect(keyAction({ key: 'End' }, live)).toEqual({ type: 'go-live' });
    expect(keyAction({ key: 'ArrowRight' }, { kind: 'vod', seekable: false })).toBeNull();
    expect(keyAction({ key: 'f', ctrlKey: true }, vod)).toBeNull();
    expect(keyAction({ key: 'ArrowLeft', altKey: true }, vod)).toBeNull();
    expect(keyAction({ key: 'k', metaKey: true }, vod)).toBeNull();
    expect(keyAction({ key: 'x' }, vod)).toBeNull();
    expect(keyAction({ key: 'Tab' }, vod)).toBeNull();
  });
});

describe('keyBelongsToControl', () => {
  it('gives typing, menus, button activation and slider keys to the control', () => {
    expect(keyBelongsToControl('k', el('INPUT'))).toBe(true);
    expect(keyBelongsToControl('ArrowDown', el('SELECT'))).toBe(true);
    expect(keyBelongsToControl(' ', el('BUTTON'))).toBe(true);
    expect(keyBelongsToControl('Enter', el('BUTTON'))).toBe(true);
    expect(keyBelongsToControl('f', el('BUTTON'))).toBe(false);
    expect(keyBelongsToControl('ArrowLeft', el('DIV', 'slider'))).toBe(true);
    expect(keyBelongsToControl('End', el('DIV', 'slider'))).toBe(true);
    expect(keyBelongsToControl('m', el('DIV', 'slider'))).toBe(false);
    expect(keyBelongsToControl(' ', el('DIV'))).toBe(false);
  });
});

describe('liveOffset', () => {
  it('measures the distance to the live edge, with slack for the target delay', () => {
    expect(liveOffset({ start: 100, edge: 400 }, 399)).toEqual({ behind: 1, atEdge: true });
    expect(liveOffset({ start: 100, edge: 400 }, 340)).toEqual({ behind: 60, atEdge: false });
    expect(liveOffset({ start: 100, edge: 400 }, 401)).toEqual({ behind: 0, atEdge: true });
    expect(liveOffset(null, 12)).toEqual({ behind: 0, atEdge: true });
  });
});

describe('double tap', () => {
  it('splits the video into thirds', () => {
    expect(tapZone(10, 390)).toBe('back');
    expect(tapZone(195, 390)).toBe('middle');
    expect(tapZone(380, 390)).toBe('forward');
    expect(tapZone(5, 0)).toBe('middle');
  });

  it('needs two taps in the same zone within the window', () => {
    const sut = new DoubleTap(300);
    expect(sut.tap('back', 1000)).toBe(false);
    expect(sut.tap('back', 1200)).toBe(true);
    // A third tap starts over rather than seeking again at once.
    expect(sut.tap('back', 1300)).toBe(false);
    expect(sut.tap('forward', 1400)).toBe(false);
    expect(sut.tap('forward', 1800)).toBe(false);
    expect(sut.tap('back', 1850)).toBe(false);
  });
});
