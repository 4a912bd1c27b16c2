import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { FakeViewerApi, makeChannel, makeClip, makeVod } from '../test/fixtures';
import { renderApp } from '../test/render';
import { clipRange } from '../vods/vod-page';
import { ClipPage } from './clip-page';

describe(ClipPage.name, () => {
  it('shows a ready clip: player with its poster, title, channel, views in Korean, share and download; counts one view', async () => {
    const api = new FakeViewerApi();
    api.clips.set('clip-1', makeClip({ viewCount: 1234 }));
    renderApp('/clip/clip-1', api, 'ko');
    expect((await screen.findByTestId('clip-title')).textContent).toBe('Great moment');
    expect(screen.getByTestId('clip-channel').getAttribute('href')).toBe('/c/night');
    expect(screen.getByTestId('clip-views').textContent).toBe('조회수 1,234회');
    expect((screen.getByTestId('video') as HTMLVideoElement).getAttribute('poster')).toBe('/media/clip/clip-1/poster.jpg');
    expect(screen.getByTestId('clip-download').getAttribute('href')).toBe('/media/clip/clip-1/clip.mp4');
    fireEvent.click(screen.getByTestId('share-toggle'));
    expect((screen.getByTestId('share-embed') as HTMLInputElement).value).toContain('/embed/clip/clip-1');
    await waitFor(() => expect(api.views).toEqual(['clip-1']));
    // Moderation is the owner's only.
    expect(screen.queryByTestId('clip-hide')).toBeNull();
  });

  it('says the clip is being made, and that a missing one is gone', async () => {
    const api = new FakeViewerApi();
    api.clips.set('clip-2', makeClip({ id: 'clip-2', status: 'processing', playbackUrl: null }));
    renderApp('/clip/clip-2', api);
    expect((await screen.findByTestId('clip-processing')).textContent).toContain('Making the clip');
    expect(api.views).toEqual([]);
  });

  it('gives the owner hide and delete', async () => {
    const api = new FakeViewerApi();
    api.clips.set('clip-3', makeClip({ id: 'clip-3', canModerate: true }));
    renderApp('/clip/clip-3', api);
    fireEvent.click(await screen.findByTestId('clip-hide'));
    await waitFor(() => expect(api.clips.get('clip-3')?.hidden).toBe(true));
  });

  it('shows not found for a clip that is gone', async () => {
    renderApp('/clip/nope', new FakeViewerApi());
    expect((await screen.findByTestId('not-found-state')).textContent).toContain('Clip not found');
  });
});

describe('clip dialog on a VOD', () => {
  it('asks for the chosen length ending at the playhead, and says to sign in on 401', async () => {
    const api = new FakeViewerApi();
    const channel = makeChannel({ slug: 'night' });
    api.channels.set(channel.id, channel);
    api.channels.set('night', channel);
    const vod = makeVod(channel.id, { status: 'ready', durationSeconds: 100, playbackUrl: '/media/vod/x/hls/master.m3u8' });
    api.vods.set(vod.id, vod);
    renderApp(`/v/${vod.id}`, api);
    // A loaded CI box takes longer than findBy's default second to load the VOD and then its channel.
    await screen.findByTestId('vod-channel', {}, { timeout: 5000 });
    fireEvent.click(await screen.findByTestId('clip-button', {}, { timeout: 5000 }));
    fireEvent.change(screen.getByTestId('clip-title'), { target: { value: '명장면' } });
    fireEvent.click(screen.getByTestId('clip-length-15'));
    api.failWith = new ApiError('unauthenticated', 401, 'sign in');
    fireEvent.click(screen.getByTestId('clip-submit'));
    expect((await screen.findByTestId('clip-error')).textContent).toContain('Sign in to make clips');
    api.failWith = null;
    fireEvent.click(screen.getByTestId('clip-submit'));
    expect((await screen.findByTestId('clip-open')).getAttribute('href')).toBe('/clip/clip-1');
    expect(api.created).toEqual([{ kind: 'vod', vodId: vod.id, startSeconds: 0, endSeconds: 15, title: '명장면' }]);
  });

  it('computes the range: the length up to the playhead, inside the video', () => {
    expect(clipRange(42.34, 30, 100)).toEqual({ startSeconds: 12.3, endSeconds: 42.3 });
    expect(clipRange(3, 30, 100)).toEqual({ startSeconds: 0, endSeconds: 30 });
    expect(clipRange(99, 60, 80.55)).toEqual({ startSeconds: 20.5, endSeconds: 80.5 });
  });
});
