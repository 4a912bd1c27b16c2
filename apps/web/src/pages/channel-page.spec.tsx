import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { setDefaultChatServices } from '../chat/chat-context';
import { fakeChatServices, FakeSocket, inertChatServices, makeJoined } from '../chat/testing';
import { FakeViewerApi, makeChannel, makeLiveSession } from '../test/fixtures';
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
