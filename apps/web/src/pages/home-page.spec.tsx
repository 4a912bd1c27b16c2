import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { FakeViewerApi, makeChannel, makeLiveSession } from '../test/fixtures';
import { renderApp } from '../test/render';
import { HomePage } from './home-page';

describe(HomePage.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lists live channels with a link to their player page and a localised start time', async () => {
    const api = new FakeViewerApi();
    const live = makeChannel({ slug: 'morning-show', title: 'Morning Show', status: 'live' });
    live.liveSession = makeLiveSession(live.id, { startedAt: '2026-03-05T09:30:00.000Z' });
    api.channels.set(live.slug, live);

    renderApp('/', api, 'ko');

    const item = await screen.findByTestId('channel-morning-show');
    expect(within(item).getByText('Morning Show')).toBeTruthy();
    expect(within(item).getByText('LIVE')).toBeTruthy();
    expect(within(item).getByRole('link').getAttribute('href')).toBe('/c/morning-show');
    const expectedTime = new Intl.DateTimeFormat('ko', { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date('2026-03-05T09:30:00.000Z'),
    );
    expect(within(item).getByText(`${expectedTime} 시작`)).toBeTruthy();
    expect(screen.getByText('1개 채널 방송 중')).toBeTruthy();
  });

  it('shows the live thumbnail with the viewer count and how long the channel has been live, counting on', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-03-05T10:35:30.000Z'));
    const api = new FakeViewerApi();
    const live = makeChannel({ slug: 'night-show', title: 'Night Show', status: 'live', viewerCount: 1234, thumbnailUrl: '/media/live/s/thumb.jpg?v=1' });
    live.liveSession = makeLiveSession(live.id, { startedAt: '2026-03-05T09:30:00.000Z' });
    api.channels.set(live.slug, live);

    renderApp('/', api, 'ko');

    const item = await screen.findByTestId('channel-night-show');
    expect(within(item).getByTestId('card-thumbnail').getAttribute('src')).toBe('/media/live/s/thumb.jpg?v=1');
    expect(within(item).getByTestId('card-viewers').textContent).toBe('1,234명 시청 중');
    expect(within(item).getByTestId('card-uptime').textContent).toBe('1시간 5분째 방송 중');
    // The card's DOM can be committed before its effects (the counter's interval) have run: flush them first.
    await act(async () => undefined);
    // The counter moves on by itself.
    act(() => {
      vi.advanceTimersByTime(30 * 60_000);
    });
    expect(within(item).getByTestId('card-uptime').textContent).toBe('1시간 35분째 방송 중');
  });

  it('keeps the placeholder until the first picture, and falls back to it when the picture cannot load', async () => {
    const api = new FakeViewerApi();
    const fresh = makeChannel({ slug: 'fresh', title: 'fresh start', status: 'live', viewerCount: 0 });
    fresh.liveSession = makeLiveSession(fresh.id, { startedAt: new Date(Date.now() - 20_000).toISOString() });
    const broken = makeChannel({ slug: 'broken', title: 'Broken', status: 'live', thumbnailUrl: '/media/gone.jpg' });
    broken.liveSession = makeLiveSession(broken.id, { startedAt: new Date().toISOString() });
    api.channels.set(fresh.slug, fresh);
    api.channels.set(broken.slug, broken);

    renderApp('/', api);

    const first = await screen.findByTestId('channel-fresh');
    expect(within(first).queryByTestId('card-thumbnail')).toBeNull();
    expect(within(first).getByText('F')).toBeTruthy();
    expect(within(first).getByTestId('card-viewers').textContent).toBe('0 watching');
    expect(within(first).getByTestId('card-uptime').textContent).toBe('Just started');
    const second = screen.getByTestId('channel-broken');
    fireEvent.error(within(second).getByTestId('card-thumbnail'));
    expect(within(second).queryByTestId('card-thumbnail')).toBeNull();
    expect(within(second).getByText('B')).toBeTruthy();
  });

  it('shows the empty state when nobody is live', async () => {
    const api = new FakeViewerApi();
    api.channels.set('quiet', makeChannel({ slug: 'quiet' }));

    renderApp('/', api);

    const list = await screen.findByTestId('live-list');
    expect(within(list).getByText('No one is live right now')).toBeTruthy();
    expect(screen.queryByTestId('channel-quiet')).toBeNull();
  });

  it('says the server is unreachable instead of showing an empty list', async () => {
    const api = new FakeViewerApi();
    api.failWith = new ApiError('network', 0, 'fetch failed');

    renderApp('/', api);

    expect(await screen.findByTestId('error-state')).toBeTruthy();
    expect(screen.queryByTestId('live-list')).toBeNull();
  });
});
