import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { DestinationsPanel } from './destinations-panel';
import { FakeConsoleApi, renderConsole } from './testing';

describe(DestinationsPanel.name, () => {
  let api: FakeConsoleApi;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
  });

  it('adds a YouTube destination with only its key, shows the key masked and the push state', async () => {
    renderConsole('/console/channels/show', api);
    const panel = await screen.findByTestId('destinations-panel');
    expect((await within(panel).findByTestId('destinations-empty')).textContent).toBe('No destinations yet.');
    fireEvent.change(within(panel).getByLabelText('Stream key'), { target: { value: 'abcd-efgh-ijkl-mnop' } });
    fireEvent.click(within(panel).getByTestId('add-destination'));
    const item = await within(panel).findByTestId('destination');
    expect(item.textContent).toContain('YouTube');
    expect(item.textContent).toContain('••••••••mnop');
    expect(item.textContent).not.toContain('abcd');
    expect(within(item).getByTestId('destination-state').textContent).toBe('Idle');
    expect(api.calls).toContain('addDestination show youtube');
    expect((within(panel).getByLabelText('Stream key') as HTMLInputElement).value).toBe('');
  });

  it('asks for the server URL of a custom destination, toggles and deletes, in Korean', async () => {
    api.destinations.set('show', [{
      id: '00000000-0000-4000-9000-000000000001', channelId: 'c', platform: 'twitch', name: 'Twitch', url: 'rtmps://live.twitch.tv:443/app', streamKeyMasked: '••••••••wxyz',
      enabled: true, state: 'retrying', stateReason: 'the destination closed the connection', stateAt: null, createdAt: '2026-01-01T00:00:00.000Z',
    }]);
    renderConsole('/console/channels/show', api, 'ko');
    const panel = await screen.findByTestId('destinations-panel');
    const item = await within(panel).findByTestId('destination');
    expect(within(item).getByTestId('destination-state').textContent).toBe('재시도 중');
    expect(within(item).getByTestId('destination-reason').textContent).toBe('the destination closed the connection');

    fireEvent.change(within(panel).getByLabelText('서비스'), { target: { value: 'custom' } });
    fireEvent.change(within(panel).getByLabelText('스트림 키'), { target: { value: 'key-1234' } });
    expect((within(panel).getByTestId('add-destination') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(panel).getByLabelText('서버 URL'), { target: { value: 'rtmp://cdn.example.com/live' } });
    expect((within(panel).getByTestId('add-destination') as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(within(item).getByTestId('destination-enabled'));
    await waitFor(() => expect(api.calls).toContain('updateDestination show 00000000-0000-4000-9000-000000000001 {"enabled":false}'));
    fireEvent.click(within(item).getByTestId('delete-destination'));
    expect((await screen.findByTestId('confirm-dialog')).textContent).toContain('Twitch을(를) 삭제할까요?');
    fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(within(panel).queryAllByTestId('destination')).toHaveLength(0));
  });
});
