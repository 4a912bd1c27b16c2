import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { FakeViewerApi, makeChannel, makeLiveSession } from '../test/fixtures';
import { renderApp } from '../test/render';
import { HomePage } from './home-page';

describe(HomePage.name, () => {
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
