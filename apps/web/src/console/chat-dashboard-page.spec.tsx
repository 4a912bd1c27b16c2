import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { setDefaultChatServices } from '../chat/chat-context';
import { CHANNEL_ID, fakeChatServices, inertChatServices, makeJoined, makeMessage, ok, type FakeChatApi } from '../chat/testing';
import { makeChannel } from '../test/fixtures';
import { ChatDashboardPage } from './chat-dashboard-page';
import { fromDraft, toDraft } from './chat-settings-form';
import { minuteSummary } from './chat-stats-panel';
import { FakeConsoleApi, renderConsole } from './testing';

describe(ChatDashboardPage.name, () => {
  let consoleApi: FakeConsoleApi;
  let chat: ReturnType<typeof fakeChatServices>;
  let api: FakeChatApi;

  beforeEach(() => {
    consoleApi = new FakeConsoleApi();
    consoleApi.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
    chat = fakeChatServices();
    chat.socket.respond.join = () => ok(makeJoined({ nickname: 'Admin', canModerate: true, history: [makeMessage('hello from the room')] }));
    api = chat.api;
    setDefaultChatServices(chat);
  });

  afterEach(() => setDefaultChatServices(inertChatServices()));

  it('is linked from the channel page and shows the live feed joined as the owner', async () => {
    renderConsole('/console/channels/show', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-moderation'));

    expect(await screen.findByTestId('chat-dashboard')).toBeTruthy();
    expect((await screen.findByTestId('chat-message')).textContent).toContain('hello from the room');
    expect(chat.socket.emittedOf('join')).toEqual([{ channel: 'show' }]);
    expect(screen.getByTestId('message-menu')).toBeTruthy();
  });

  it('approves and rejects held messages', async () => {
    const spam = { ...makeMessage('spam link https://x.example', { nickname: 'bot' }), reasons: ['link'] };
    const borderline = { ...makeMessage('borderline', { nickname: 'mina' }), reasons: ['classifier'] };
    api.held = [spam, borderline];
    renderConsole('/console/channels/show/chat', consoleApi);

    const items = await screen.findAllByTestId('held-message');
    expect(items).toHaveLength(2);
    expect(screen.getByTestId('held-count').textContent).toBe('2');
    fireEvent.click(within(items[0]!).getByTestId('held-reject'));
    fireEvent.click(within(items[1]!).getByTestId('held-approve'));

    await waitFor(() => expect(screen.getByTestId('held-empty')).toBeTruthy());
    expect(api.calls).toEqual([`rejectHeld show ${spam.id}`, `approveHeld show ${borderline.id}`]);
  });

  it('lists bans and timeouts and lifts one after confirmation', async () => {
    const troll = await api.ban('show', { authorKey: 'a:troll' });
    await api.ban('show', { authorKey: 'a:loud', durationSeconds: 600 });
    api.calls = [];
    renderConsole('/console/channels/show/chat', consoleApi, 'ko');
    fireEvent.click(await screen.findByTestId('chat-tab-bans'));

    const rows = await screen.findAllByTestId('ban-row');
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringContaining('a:troll'), expect.stringContaining('a:loud')]);
    expect(rows[0]!.textContent).toContain('차단');
    expect(rows[1]!.textContent).toContain('채팅 금지');

    fireEvent.click(within(rows[0]!).getByTestId('unban'));
    fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getAllByTestId('ban-row')).toHaveLength(1));
    expect(api.calls).toEqual([`unban show ${troll.id}`]);
  });

  it('says why a ban could not be lifted, and keeps it listed', async () => {
    await api.ban('show', { authorKey: 'a:troll', reason: 'spam' });
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-tab-bans'));
    const [row] = await screen.findAllByTestId('ban-row');
    api.failWith = new ApiError('forbidden', 403, 'Only the channel owner or a moderator can do this.');
    fireEvent.click(within(row!).getByTestId('unban'));
    fireEvent.click(screen.getByTestId('confirm-yes'));
    expect((await within(screen.getByTestId('bans-panel')).findByRole('alert')).textContent).toBe('Only the channel owner or a moderator can do this.');
    expect(screen.queryByTestId('confirm-yes')).toBeNull();
    expect(screen.getAllByTestId('ban-row')).toHaveLength(1);
  });

  it('widens an author ban to the address or subnet, and shows such bans by label only', async () => {
    await api.ban('show', { authorKey: 'a:trollkey1234', durationSeconds: 600 });
    api.calls = [];
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-tab-bans'));
    const [row] = await screen.findAllByTestId('ban-row');
    fireEvent.click(within(row!).getByTestId('ban-subnet'));
    await waitFor(() => expect(screen.getAllByTestId('ban-row')).toHaveLength(2));
    expect(api.calls).toHaveLength(1);
    expect(JSON.parse(api.calls[0]!.replace(/^ban show /, ''))).toMatchObject({ authorKey: 'a:trollkey1234', scope: 'subnet', durationSeconds: expect.any(Number) });
    const widenedRow = screen.getAllByTestId('ban-row')[1]!;
    expect(widenedRow.textContent).toContain('subnet');
    expect(within(widenedRow).queryByTestId('ban-address')).toBeNull();
  });

  it('saves settings, one blocked word per line, and refuses an invalid pattern', async () => {
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-tab-settings'));

    fireEvent.change(await screen.findByLabelText('Slow mode (seconds)'), { target: { value: '15' } });
    fireEvent.change(screen.getByLabelText('Blocked words'), { target: { value: 'spoiler\n\n 광고 \n' } });
    fireEvent.change(screen.getByLabelText('Links in messages'), { target: { value: 'hold' } });
    fireEvent.change(screen.getByLabelText('Blocked patterns (regular expressions)'), { target: { value: '(unclosed' } });
    fireEvent.click(screen.getByTestId('chat-settings-save'));
    expect(screen.getByTestId('form-error').textContent).toBe('Not a valid regular expression: (unclosed');
    expect(api.calls).toEqual([]);

    fireEvent.change(screen.getByLabelText('Blocked patterns (regular expressions)'), { target: { value: 'free\\s*v-?bucks' } });
    fireEvent.click(screen.getByTestId('chat-settings-save'));
    expect(await screen.findByTestId('chat-settings-saved')).toBeTruthy();
    expect(api.settings).toMatchObject({ slowModeSeconds: 15, blockedWords: ['spoiler', '광고'], linkPolicy: 'hold', blockedPatterns: ['free\\s*v-?bucks'], classifier: null });
    // Only what changed goes in the PATCH (the audit log lists the changed fields).
    expect(api.calls).toEqual(['updateSettings show {"slowModeSeconds":15,"blockedWords":["spoiler","광고"],"blockedPatterns":["free\\\\s*v-?bucks"],"linkPolicy":"hold"}']);
  });

  it('starts a poll and closes it', async () => {
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-tab-polls'));
    expect(await screen.findByTestId('polls-empty')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Question'), { target: { value: '다음 게임은?' } });
    fireEvent.change(screen.getByLabelText('Option 1'), { target: { value: 'Tetris' } });
    fireEvent.click(screen.getByTestId('poll-create'));
    expect(screen.getByTestId('form-error').textContent).toContain('2–10 options');

    fireEvent.change(screen.getByLabelText('Option 2'), { target: { value: 'Minecraft' } });
    fireEvent.click(screen.getByTestId('poll-create'));
    const item = await screen.findByTestId('poll-item');
    expect(api.calls).toEqual(['createPoll show {"question":"다음 게임은?","options":["Tetris","Minecraft"]}']);
    expect(item.dataset.status).toBe('open');

    fireEvent.click(within(item).getByTestId('poll-close'));
    await waitFor(() => expect(screen.getByTestId('poll-item').dataset.status).toBe('closed'));
  });

  it('posts an announcement', async () => {
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.change(await screen.findByTestId('announce-input'), { target: { value: '10분 뒤 시작합니다' } });
    fireEvent.click(screen.getByTestId('announce-submit'));
    await waitFor(() => expect(api.calls).toEqual(['announce show 10분 뒤 시작합니다']));
    expect(screen.getByText('Announcement posted.')).toBeTruthy();
  });

  it('shows the audit log and the session statistics as numbers', async () => {
    api.audit = [{ id: '00000000-0000-4000-8000-0000000000a1', channelId: CHANNEL_ID, actor: 'admin@example.com', action: 'ban', target: 'a:troll', detail: { reason: 'spam' }, createdAt: '2026-01-01T09:00:00.000Z' }];
    api.stats = {
      channelId: CHANNEL_ID,
      liveSessionId: '00000000-0000-4000-8000-0000000000b1',
      messages: 12345,
      uniqueChatters: 321,
      peakConnections: 4567,
      perMinute: [
        { minute: '2026-01-01T09:00:00.000Z', messages: 100 },
        { minute: '2026-01-01T09:01:00.000Z', messages: 250 },
      ],
      outcomes: { delivered: 12000, masked: 300, held: 40, dropped: 5 },
      filterHits: { profanity: 280, link: 40 },
      moderationActions: { ban: 2 },
    };
    renderConsole('/console/channels/show/chat', consoleApi);
    fireEvent.click(await screen.findByTestId('chat-tab-audit'));
    expect((await screen.findByTestId('audit-row')).textContent).toContain('reason: spam');

    fireEvent.click(screen.getByTestId('chat-tab-stats'));
    expect((await screen.findByTestId('stat-messages')).textContent).toContain('12,345');
    expect(screen.getByTestId('stat-peak').textContent).toContain('4,567');
    expect(screen.getByTestId('stat-rate').textContent).toContain('175 / 250');
    expect(screen.getByTestId('stats-filters').textContent).toContain('Profanity280');
    expect(screen.getByTestId('stats-actions').textContent).toContain('Banned2');
  });
});

describe('chat settings draft', () => {
  it('round-trips the settings and rejects a classifier without a URL', () => {
    const settings = { slowModeSeconds: 5, registeredOnly: true, blockedWords: ['a', 'b'], blockedPatterns: ['x+'], blockedWordsAction: 'drop' as const, profanity: 'hold' as const, linkPolicy: 'block' as const, classifier: { url: 'https://risk.example/check', timeoutMs: 300, failMode: 'closed' as const } };
    expect(fromDraft(toDraft(settings))).toEqual({ ok: true, body: settings });
    expect(fromDraft({ ...toDraft(settings), classifierUrl: '' })).toEqual({ ok: false, field: 'classifierUrl' });
  });

  it('summarises messages per minute', () => {
    expect(minuteSummary([])).toEqual({ average: 0, peak: 0 });
    expect(minuteSummary([{ minute: 'a', messages: 1 }, { minute: 'b', messages: 5 }])).toEqual({ average: 3, peak: 5 });
  });
});
