import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { setDefaultChatServices } from '../chat/chat-context';
import { fakeChatServices, FakeSocket, inertChatServices, makeJoined } from '../chat/testing';
import { ClipPageSize } from '../clips/channel-clips';
import { FakeViewerApi, makeChannel, makeClip, makeLiveSession } from '../test/fixtures';
import { renderApp } from '../test/render';
import { ChannelPage, channelStage, PollOfflineMs } from './channel-page';

describe(ChannelPage.name, () => {
  it('renders the offline state in English and switches to Korean from the header', async () => {
    const api = new FakeViewerApi();
    api.channels.set('test', makeChannel({ slug: 'test' }));
    const { i18n } = renderApp('/c/test', api, 'en');

    const offline = await screen.findByTestId('offline-state');
    expect(offline.textContent).toContain('This channel is offline');

    fireEvent.click(screen.getByTestId('lang-ko'));

    expect(i18n.language).toBe('ko');
    expect(screen.getByTestId('offline-state').textContent).toContain('이 채널은 현재 오프라인입니다');
    expect(screen.getByRole('link', { name: '홈' })).toBeTruthy();
  });

  it('starts playback as soon as the server pushes `live` over the chat socket, long before its next poll', async () => {
    const socket = new FakeSocket();
    socket.respond.join = () => ({ ok: true, data: makeJoined({ nickname: null }) });
    setDefaultChatServices(fakeChatServices(socket));
    try {
      const api = new FakeViewerApi();
      const channel = makeChannel({ slug: 'test' });
      api.channels.set('test', channel);
      renderApp('/c/test', api);
      await screen.findByTestId('offline-state');
      const session = makeLiveSession(channel.id);
      api.channels.set('test', { ...channel, status: 'live', liveSession: session });
      const pushedAt = Date.now();
      act(() => socket.serverEmit('frame', { items: [{ type: 'live', sessionId: session.id }] }));

      expect((await screen.findByTestId('video', {}, { timeout: 1000 })).tagName).toBe('VIDEO');
      expect(Date.now() - pushedAt).toBeLessThan(PollOfflineMs / 2);
    } finally {
      setDefaultChatServices(inertChatServices());
    }
  });

  it('still starts playback from the fallback poll when no push arrives', { timeout: PollOfflineMs + 5000 }, async () => {
    const api = new FakeViewerApi();
    const channel = makeChannel({ slug: 'test' });
    api.channels.set('test', channel);
    renderApp('/c/test', api);
    await screen.findByTestId('offline-state');

    api.channels.set('test', { ...channel, status: 'live', liveSession: makeLiveSession(channel.id) });

    const video = await screen.findByTestId('video', {}, { timeout: PollOfflineMs + 2000 });
    expect(video.tagName).toBe('VIDEO');
    expect(screen.queryByTestId('offline-state')).toBeNull();
  });

  it('lists the channel\'s playable clips in Korean, each a link to its page, and loads more on request', async () => {
    const api = new FakeViewerApi();
    api.channels.set('night', makeChannel({ slug: 'night' }));
    api.clips.set('clip-busy', makeClip({ id: 'clip-busy', status: 'processing', title: 'Still cutting' }));
    for (let i = 1; i <= ClipPageSize + 2; i++) api.clips.set(`clip-${i}`, makeClip({ id: `clip-${i}`, title: `Moment ${i}`, viewCount: 1000 * i }));
    renderApp('/c/night', api, 'ko');

    const section = await screen.findByTestId('channel-clips');
    expect(within(section).getByRole('heading', { name: '클립' })).toBeTruthy();
    // The first page holds the processing clip too: it is left out, the ready ones are links a keyboard reaches.
    const first = within(section).getAllByRole('link');
    expect(first).toHaveLength(ClipPageSize - 1);
    expect(first[0]!.getAttribute('href')).toBe('/clip/clip-1');
    expect(first[0]!.textContent).toContain('Moment 1');
    expect(first[0]!.textContent).toContain('조회수 1,000회');
    expect(first[0]!.textContent).toContain('0:31');
    expect(within(section).queryByText('Still cutting')).toBeNull();

    fireEvent.click(within(section).getByRole('button', { name: '클립 더 보기' }));
    await waitFor(() => expect(within(section).getAllByRole('link')).toHaveLength(ClipPageSize + 2));
    expect(within(section).queryByRole('button')).toBeNull();
  });

  it('shows no clip list for a channel without clips', async () => {
    const api = new FakeViewerApi();
    api.channels.set('test', makeChannel({ slug: 'test' }));
    renderApp('/c/test', api);
    await screen.findByTestId('offline-state');
    await act(async () => undefined);
    expect(screen.queryByTestId('channel-clips')).toBeNull();
  });

  it('shows "not found" for an unknown slug', async () => {
    renderApp('/c/nobody', new FakeViewerApi());

    expect(await screen.findByTestId('not-found-state')).toBeTruthy();
    await act(async () => {});
    expect(screen.queryByTestId('video')).toBeNull();
  });
});

describe(channelStage.name, () => {
  const offline = makeChannel();
  const session = makeLiveSession(offline.id);
  const live = { ...offline, status: 'live' as const, liveSession: session };

  it('plays a live session that has a playback URL', () => {
    expect(channelStage(live, undefined, null, null)).toEqual({ kind: 'playing', src: session.playbackUrl });
  });

  it('waits while the session has no playback URL yet', () => {
    const starting = { ...live, liveSession: { ...session, state: 'starting' as const, playbackUrl: null } };
    expect(channelStage(starting, undefined, null, null)).toEqual({ kind: 'starting' });
  });

  it('reads offline after watching as ended, and offline otherwise', () => {
    expect(channelStage(offline, undefined, null, null)).toEqual({ kind: 'offline' });
    expect(channelStage(offline, undefined, session.id, null)).toEqual({ kind: 'ended' });
  });

  it('does not restart a session whose ENDLIST was played, but plays the next one', () => {
    expect(channelStage(live, undefined, session.id, session.id)).toEqual({ kind: 'ended' });
    const next = makeLiveSession(offline.id);
    expect(channelStage({ ...live, liveSession: next }, undefined, session.id, session.id)).toEqual({
      kind: 'playing',
      src: next.playbackUrl,
    });
  });

  it('separates an unknown channel from an unreachable server', () => {
    expect(channelStage(undefined, new ApiError('not_found', 404, 'x'), null, null)).toEqual({ kind: 'not-found' });
    expect(channelStage(undefined, new ApiError('network', 0, 'x'), null, null)).toEqual({ kind: 'unreachable' });
    expect(channelStage(undefined, undefined, null, null)).toEqual({ kind: 'loading' });
  });
});
