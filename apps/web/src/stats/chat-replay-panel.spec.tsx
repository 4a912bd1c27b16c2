import { act, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { FakeViewerApi, makeChannel, makeVod } from '../test/fixtures';
import { ChatReplayPanel, PlayheadClock } from './chat-replay-panel';
import type { ReplayMessage } from './stats-api';
import { StatsApiProvider } from './stats-context';
import { FakeStatsApi, renderWithStats } from './testing';

function said(vodChannel: string, offsetSeconds: number, text: string): ReplayMessage {
  return {
    id: `m-${offsetSeconds}`,
    channelId: vodChannel,
    kind: 'message',
    author: { key: `device:${offsetSeconds}`, nickname: `viewer${offsetSeconds}`, role: 'viewer', registered: false },
    text,
    masked: false,
    createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, offsetSeconds)).toISOString(),
    offsetSeconds,
  };
}

const shown = () => screen.queryAllByTestId('chat-text').map((node) => node.textContent);

describe(ChatReplayPanel.name, () => {
  it('shows the broadcast chat up to the playhead on the VOD page of a recording (as text only)', async () => {
    const api = new FakeViewerApi();
    const stats = new FakeStatsApi();
    const channel = makeChannel({ slug: 'show' });
    api.channels.set(channel.id, channel);
    const vod = makeVod(channel.id, { durationSeconds: 120 });
    api.vods.set(vod.id, vod);
    stats.chat.set(vod.id, [said(channel.id, 5, 'hello'), said(channel.id, 25, '<b>not bold</b>'), said(channel.id, 40, 'later')]);

    // `?t=30`: the player starts at 30 s, so the messages said before then are there and the later one is not.
    renderWithStats(`/v/${vod.id}?t=30`, api, stats);
    const panel = await screen.findByTestId('chat-replay');
    await waitFor(() => expect(shown()).toEqual(['hello', '<b>not bold</b>']));
    expect(within(panel).queryByText('not bold')).toBeNull();
    expect(stats.calls).toContain(`getVodChat ${vod.id} 0 60`);
  });

  it('has no chat replay for uploads', async () => {
    const api = new FakeViewerApi();
    const stats = new FakeStatsApi();
    const channel = makeChannel({ slug: 'show' });
    const vod = makeVod(channel.id, { origin: 'upload', liveSessionId: null });
    api.vods.set(vod.id, vod);
    renderWithStats(`/v/${vod.id}`, api, stats);
    await screen.findByTestId('vod-title');
    expect(screen.queryByTestId('chat-replay')).toBeNull();
  });

  it('follows the playhead forwards and back', async () => {
    const stats = new FakeStatsApi();
    const clock = new PlayheadClock();
    const vodId = '00000000-0000-4000-8000-00000000beef';
    const channelId = '00000000-0000-4000-8000-00000000cafe';
    stats.chat.set(vodId, [said(channelId, 2, 'one'), said(channelId, 12, 'two'), said(channelId, 95, 'three')]);
    render(
      <I18nextProvider i18n={createI18n('en')}>
        <StatsApiProvider api={stats}>
          <ChatReplayPanel vodId={vodId} clock={clock} durationSeconds={120} />
        </StatsApiProvider>
      </I18nextProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('chat-empty').textContent).toBe('No chat at this point of the broadcast yet.'));

    act(() => clock.set(13));
    expect(shown()).toEqual(['one', 'two']);
    act(() => clock.set(50)); // loads the next window ahead
    await waitFor(() => expect(stats.calls).toContain(`getVodChat ${vodId} 60 120`));
    act(() => clock.set(100));
    await waitFor(() => expect(shown()).toEqual(['one', 'two', 'three']));
    act(() => clock.set(3)); // seek back
    expect(shown()).toEqual(['one']);
  });
});
