import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { ChannelDetailPage } from './channel-detail-page';
import { FakeConsoleApi, renderConsole } from './testing';

describe(ChannelDetailPage.name, () => {
  let api: FakeConsoleApi;

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
});
