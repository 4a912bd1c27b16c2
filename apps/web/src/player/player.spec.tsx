import { fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n, type Language } from '../i18n/i18n';
import { Player } from './player';

// jsdom has no MSE nor native HLS: the player reports "unsupported" but its controls and keys still work on the element.
function renderPlayer(props: Partial<Parameters<typeof Player>[0]> = {}, language: Language = 'en') {
  const result = render(
    <I18nextProvider i18n={createI18n(language)}>
      <Player src="/media/live/x/master.m3u8" kind="vod" durationHint={200} {...props} />
    </I18nextProvider>,
  );
  const root = screen.getByTestId('player');
  const video = screen.getByTestId('video') as HTMLVideoElement;
  return { ...result, root, video };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe(Player.name, () => {
  it('has every control labelled, and says in words when the browser cannot play', () => {
    renderPlayer();
    expect(screen.getByRole('region', { name: 'Video player' })).toBeTruthy();
    for (const name of ['Play', 'Unmute', 'Full screen']) expect(screen.getByRole('button', { name })).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Volume' })).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Seek' })).toBeTruthy();
    expect(screen.getByTestId('player-status').textContent).toMatch(/can't play this video/);
  });

  it('speaks Korean', () => {
    renderPlayer({}, 'ko');
    expect(screen.getByRole('button', { name: '전체 화면' })).toBeTruthy();
    expect(screen.getByTestId('player-status').textContent).toMatch(/재생할 수 없어요/);
  });

  it('mutes with M, changes the volume with the arrows, and leaves other keys alone', () => {
    const { root, video } = renderPlayer();
    expect(video.muted).toBe(true);
    fireEvent.keyDown(root, { key: 'm' });
    expect(video.muted).toBe(false);
    expect(screen.getByTestId('mute-toggle').getAttribute('aria-label')).toBe('Mute');
    video.volume = 0.5;
    fireEvent.keyDown(root, { key: 'ArrowUp' });
    expect(video.volume).toBeCloseTo(0.6);
    fireEvent.keyDown(root, { key: 'ArrowDown' });
    fireEvent.keyDown(root, { key: 'ArrowDown' });
    expect(video.volume).toBeCloseTo(0.4);
    const event = new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true });
    root.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
  });

  it('seeks a VOD with arrows, J/L and Home', () => {
    const { root, video } = renderPlayer();
    video.currentTime = 50;
    fireEvent.keyDown(root, { key: 'l' });
    expect(video.currentTime).toBe(60);
    fireEvent.keyDown(root, { key: 'ArrowLeft' });
    expect(video.currentTime).toBe(55);
    fireEvent.keyDown(root, { key: 'j' });
    expect(video.currentTime).toBe(45);
    fireEvent.keyDown(root, { key: 'Home' });
    expect(video.currentTime).toBe(0);
  });

  it('gives Space on a button to the button, not to the player', () => {
    const { video } = renderPlayer();
    const play = vi.spyOn(video, 'play').mockResolvedValue(undefined);
    fireEvent.keyDown(screen.getByTestId('fullscreen-toggle'), { key: ' ' });
    expect(play).not.toHaveBeenCalled();
    fireEvent.keyDown(screen.getByTestId('player'), { key: 'k' });
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('goes full screen with F and with the button', () => {
    const request = vi.fn().mockResolvedValue(undefined);
    HTMLElement.prototype.requestFullscreen = request;
    const { root } = renderPlayer();
    fireEvent.keyDown(root, { key: 'f' });
    fireEvent.click(screen.getByTestId('fullscreen-toggle'));
    expect(request).toHaveBeenCalledTimes(2);
    expect(request.mock.contexts[0]).toBe(root);
  });

  it('shows a LIVE indicator on live streams, and no seek bar without DVR', () => {
    renderPlayer({ kind: 'live', dvrWindowSeconds: 0 });
    expect(screen.getByTestId('live-indicator').textContent).toBe('LIVE');
    expect(screen.queryByRole('slider', { name: /Seek|Rewind/ })).toBeNull();
    expect(screen.queryByTestId('player-time')).toBeNull();
  });
});
