import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeChannel, makeLiveSession } from '../test/fixtures';
import { ChannelDetailPage } from './channel-detail-page';
import { FakeConsoleApi, renderConsole } from './testing';

describe(ChannelDetailPage.name, () => {
  let api: FakeConsoleApi;

  afterEach(() => vi.useRealTimers());

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
  });

  it('deletes the channel only after confirmation, then returns to the list', async () => {
    renderConsole('/console/channels/show', api);
    fireEvent.click(await screen.findByTestId('delete-channel'));
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByText('Cancel'));
    expect(api.calls).not.toContain('deleteChannel show');

    fireEvent.click(screen.getByTestId('delete-channel'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Delete “The Show”?');
    fireEvent.click(screen.getByTestId('confirm-yes'));

    await waitFor(() => expect(screen.queryByTestId('channel-title')).toBeNull());
    expect(api.calls).toContain('deleteChannel show');
    expect(api.channels.has('show')).toBe(false);
  });

  it('explains that a live channel cannot be deleted (409), in Korean too', async () => {
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show', status: 'live' }));
    renderConsole('/console/channels/show', api, 'ko');

    fireEvent.click(await screen.findByTestId('delete-channel'));
    fireEvent.click(screen.getByTestId('confirm-yes'));

    const message = await screen.findByTestId('delete-error');
    expect(message.textContent).toBe('지금 라이브 중인 채널이에요. 방송을 끝내거나 세션을 강제 종료한 뒤에 삭제하세요.');
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(screen.getByTestId('channel-title').textContent).toBe('The Show');
    expect(api.channels.has('show')).toBe(true);
  });

  it('tells the streamer when the server reduces the stream for lack of CPU, in Korean and English', async () => {
    const channel = makeChannel({ slug: 'show', title: 'The Show', status: 'live' });
    api.channels.set('show', { ...channel, liveSession: makeLiveSession(channel.id, { degraded: true }) });
    renderConsole('/console/channels/show', api, 'ko');
    expect((await screen.findByTestId('stream-degraded')).textContent).toBe('서버 CPU가 부족해서 방송 화질을 낮춰 송출하고 있어요.');
  });

  it('shows and clears the CPU warning while the page stays open (it reads the live channel again every few seconds)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const channel = makeChannel({ slug: 'show', title: 'The Show', status: 'live' });
    api.channels.set('show', { ...channel, liveSession: makeLiveSession(channel.id, { degraded: false }) });
    renderConsole('/console/channels/show', api);
    await screen.findByTestId('channel-title');
    expect(screen.queryByTestId('stream-degraded')).toBeNull();

    api.channels.set('show', { ...channel, liveSession: makeLiveSession(channel.id, { degraded: true }) });
    await vi.advanceTimersByTimeAsync(5000);
    expect((await screen.findByTestId('stream-degraded')).textContent).toBe('Your stream is being reduced because the server is short of CPU.');

    api.channels.set('show', { ...channel, liveSession: makeLiveSession(channel.id, { degraded: false }) });
    await vi.advanceTimersByTimeAsync(5000);
    await waitFor(() => expect(screen.queryByTestId('stream-degraded')).toBeNull());
  });

  it('shows no warning while the stream runs as planned', async () => {
    const channel = makeChannel({ slug: 'show', title: 'The Show', status: 'live' });
    api.channels.set('show', { ...channel, liveSession: makeLiveSession(channel.id, { degraded: false }) });
    renderConsole('/console/channels/show', api);
    await screen.findByTestId('channel-title');
    expect(screen.queryByTestId('stream-degraded')).toBeNull();
  });
});
