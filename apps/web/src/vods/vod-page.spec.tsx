import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { FakeViewerApi, makeChannel, makeVod } from '../test/fixtures';
import { renderApp } from '../test/render';
import { SeekBar } from './seek-bar';
import { parseStoryboardVtt } from './storyboard';
import { VodBusyPollMs, VodPage } from './vod-page';

const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nstoryboard.jpg#xywh=0,0,160,90\n\n00:00:10.000 --> 00:00:20.000\nstoryboard.jpg#xywh=160,0,160,90\n';

function setup() {
  const api = new FakeViewerApi();
  const channel = makeChannel({ slug: 'show', title: 'The Show' });
  api.channels.set(channel.slug, channel);
  // The page looks the channel up by the VOD's channel id.
  api.channels.set(channel.id, channel);
  return { api, channel };
}

describe(VodPage.name, () => {
  it('plays a ready VOD with its title, channel link and length', async () => {
    const { api, channel } = setup();
    const vod = makeVod(channel.id, { title: '어제 방송', durationSeconds: 200 });
    api.vods.set(vod.id, vod);
    api.storyboards.set(vod.storyboardUrl!, vtt);
    renderApp(`/v/${vod.id}?t=15`, api);

    expect((await screen.findByTestId('vod-title')).textContent).toBe('어제 방송');
    expect(screen.getByTestId('video').getAttribute('poster')).toBe(vod.posterUrl);
    const link = await screen.findByTestId('vod-channel');
    expect(link.getAttribute('href')).toBe('/c/show');
    expect(link.textContent).toBe('The Show');
    expect(screen.getByText('Length 3m 20s')).toBeTruthy();
    // The deep link's time shows before the media loads.
    expect(screen.getByTestId('player-time').textContent).toBe('0:15 / 3:20');
    expect(screen.queryByTestId('replay-notice')).toBeNull();
  });

  it('plays the instant replay while encoding and follows the progress', async () => {
    const { api, channel } = setup();
    const vod = makeVod(channel.id, {
      status: 'processing',
      progressPercent: 35,
      etaSeconds: 90,
      playbackUrl: '/media/live/abc/master.m3u8',
      posterUrl: null,
      storyboardUrl: null,
    });
    api.vods.set(vod.id, vod);
    renderApp(`/v/${vod.id}`, api, 'ko');

    const notice = await screen.findByTestId('replay-notice');
    expect(notice.textContent).toContain('바로 다시보기 · 인코딩 35%');
    expect(notice.textContent).toContain('약 1분 30초 남음');

    api.vods.set(vod.id, { ...vod, progressPercent: 80 });
    await waitFor(() => expect(screen.getByTestId('replay-notice').textContent).toContain('인코딩 80%'), { timeout: VodBusyPollMs + 2000 });

    // Ready mid-replay: offered, not forced (the video would restart).
    api.vods.set(vod.id, makeVod(channel.id, { ...vod, status: 'ready', progressPercent: 100, playbackUrl: `/media/vod/${vod.id}/hls/master.m3u8` }));
    expect((await screen.findByTestId('upgrade-notice', {}, { timeout: VodBusyPollMs + 2000 })).textContent).toContain('인코딩된 영상이 준비됐어요');
    expect(screen.queryByTestId('replay-notice')).toBeNull();
  });

  it('says when a video is not found', async () => {
    renderApp('/v/00000000-0000-4000-8000-00000000ffff', new FakeViewerApi());

    expect((await screen.findByTestId('not-found-state')).textContent).toContain('Video not found');
    await act(async () => {});
    expect(screen.queryByTestId('video')).toBeNull();
  });
});

describe(SeekBar.name, () => {
  const cues = parseStoryboardVtt(vtt, 'http://127.0.0.1:8080/media/vod/abc/storyboard.vtt');

  function renderBar(onSeek: (s: number) => void, currentTime = 0) {
    return render(
      <I18nextProvider i18n={createI18n('en')}>
        <SeekBar duration={20} currentTime={currentTime} bufferedEnd={5} cues={cues} onSeek={onSeek} />
      </I18nextProvider>,
    );
  }

  it('previews the storyboard tile under the pointer and seeks where it is released', () => {
    const seeks: number[] = [];
    renderBar((s) => seeks.push(s));
    const sut = screen.getByTestId('seek-bar');
    // jsdom has no layout: give the bar a width so pointer positions map to times.
    sut.getBoundingClientRect = () => ({ left: 0, width: 200, top: 0, height: 18, right: 200, bottom: 18, x: 0, y: 0, toJSON: () => ({}) });

    fireEvent.pointerMove(sut, { clientX: 150 });
    const thumb = screen.getByTestId('storyboard-thumb');
    expect(thumb.style.backgroundImage).toBe('url("http://127.0.0.1:8080/media/vod/abc/storyboard.jpg")');
    expect(thumb.style.backgroundPosition).toBe('-160px 0px');
    expect(screen.getByTestId('seek-preview').textContent).toBe('0:15');

    fireEvent.pointerDown(sut, { clientX: 50, button: 0, pointerId: 1 });
    fireEvent.pointerUp(sut, { clientX: 50, pointerId: 1 });
    expect(seeks).toEqual([5]);

    fireEvent.pointerLeave(sut);
    expect(screen.queryByTestId('seek-preview')).toBeNull();
  });

  it('is a keyboard slider: arrows step 5 s, Home and End jump, with a preview of the target', () => {
    const seeks: number[] = [];
    renderBar((s) => seeks.push(s), 8);
    const sut = screen.getByRole('slider', { name: 'Seek' });
    expect(sut.getAttribute('aria-valuetext')).toBe('0:08 of 0:20');

    fireEvent.keyDown(sut, { key: 'ArrowRight' });
    expect(screen.getByTestId('storyboard-thumb').style.backgroundPosition).toBe('-160px 0px');
    fireEvent.keyDown(sut, { key: 'ArrowLeft' });
    fireEvent.keyDown(sut, { key: 'End' });
    fireEvent.keyDown(sut, { key: 'Home' });
    expect(seeks).toEqual([13, 8, 20, 0]);

    fireEvent.blur(sut);
    expect(screen.queryByTestId('seek-preview')).toBeNull();
  });
});
