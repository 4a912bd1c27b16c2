import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ChannelChat } from './channel-chat';
import { InlineTimeoutSeconds } from './chat-panel';
import { splitLinks } from './chat-text';
import { fakeChatServices, FakeSocket, makeJoined, makeMessage, makePoll, ok, refused, renderWithChat } from './testing';

const Hostile = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '"><svg onload=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
];

function frame(socket: FakeSocket, ...items: unknown[]) {
  act(() => socket.serverEmit('frame', { items }));
}

async function joinedPanel(joined = makeJoined({ nickname: 'mina' }), language: 'en' | 'ko' = 'en') {
  const services = fakeChatServices();
  if (joined.you.nickname) services.store.setItem('onda.chat.nickname', joined.you.nickname);
  services.socket.respond.join = () => ok(joined);
  const view = renderWithChat(<ChannelChat channel="show" />, services, language);
  await screen.findByTestId('chat-input');
  return { ...services, ...view };
}

describe('ChatPanel', () => {
  it('renders hostile HTML payloads as text, never as elements', async () => {
    const { socket, container } = await joinedPanel();
    frame(socket, ...Hostile.map((text) => ({ type: 'message', message: makeMessage(text, { nickname: '<b>bold</b>' }) })));

    const texts = screen.getAllByTestId('chat-text').map((node) => node.textContent);
    expect(texts).toEqual(Hostile);
    expect(container.querySelector('img, script, svg, b, a[href^="javascript"]')).toBeNull();
    expect(screen.getAllByText('<b>bold</b>')).toHaveLength(Hostile.length);
  });

  it('links only http(s) URLs, with rel noopener noreferrer nofollow', async () => {
    const { socket } = await joinedPanel();
    frame(socket, { type: 'message', message: makeMessage('see https://example.com/a?b=1. or javascript:alert(1) or ftp://x.y') });

    const links = within(screen.getByTestId('chat-messages')).getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(splitLinks('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
  });

  it('does not send on the Enter that commits a Hangul syllable, and sends on the next one', async () => {
    const { socket } = await joinedPanel();
    socket.respond.send = () => ok({ id: 'm1', outcome: 'delivered' });
    const input = screen.getByTestId('chat-input');
    fireEvent.change(input, { target: { value: '안녕하세요' } });

    expect(fireEvent.keyDown(input, { key: 'Enter', isComposing: true })).toBe(false);
    expect(fireEvent.keyDown(input, { key: 'Enter', keyCode: 229 })).toBe(false);
    expect(socket.emittedOf('send')).toEqual([]);

    expect(fireEvent.keyDown(input, { key: 'Enter' })).toBe(true);
    // jsdom has no implicit submission; the browser submits the form on that Enter (the e2e covers it).
    fireEvent.submit(screen.getByTestId('chat-form'));
    await waitFor(() => expect(socket.emittedOf('send')).toEqual([{ text: '안녕하세요' }]));
    // The box clears when the send's acknowledgement resolves, a turn of the event loop after the emit.
    await waitFor(() => expect((input as HTMLInputElement).value).toBe(''));
  });

  it('keeps what the viewer typed while the previous message was still being sent', async () => {
    const { socket } = await joinedPanel();
    const input = screen.getByTestId('chat-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'first' } });
    fireEvent.submit(screen.getByTestId('chat-form'));
    await waitFor(() => expect(socket.pending.map((p) => p.event)).toContain('send'));
    fireEvent.change(input, { target: { value: 'second, typed meanwhile' } });
    act(() => socket.pending.find((p) => p.event === 'send')!.ack(ok({ id: 'm1', outcome: 'delivered' })));
    await waitFor(() => expect(screen.getByTestId('chat-send').hasAttribute('disabled')).toBe(false));
    expect(input.value).toBe('second, typed meanwhile');
  });

  it('counts characters and refuses a message over the limit', async () => {
    await joinedPanel();
    const input = screen.getByTestId('chat-input');
    fireEvent.change(input, { target: { value: '😀'.repeat(10) } });
    expect(screen.getByTestId('chat-counter').textContent).toBe('10/300');

    fireEvent.change(input, { target: { value: 'a'.repeat(301) } });
    expect(screen.getByTestId('chat-counter').textContent).toBe('301/300');
    expect(screen.getByTestId('chat-send').hasAttribute('disabled')).toBe(true);
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the rate limit with its countdown and keeps the text', async () => {
    const { socket } = await joinedPanel();
    socket.respond.send = () => refused('rate_limited', 'Too many messages', 5000);
    const input = screen.getByTestId('chat-input');
    fireEvent.change(input, { target: { value: 'spam' } });
    fireEvent.submit(screen.getByTestId('chat-form'));

    const feedback = await screen.findByTestId('chat-feedback');
    expect(feedback.dataset.kind).toBe('rate-limited');
    expect(feedback.textContent).toMatch(/You're sending too fast\. Try again in [45] s\./);
    expect(screen.getByTestId('chat-send').textContent).toMatch(/^[45] s$/);
    expect(screen.getByTestId('chat-send').hasAttribute('disabled')).toBe(true);
    expect((input as HTMLInputElement).value).toBe('spam');
    expect(socket.emittedOf('send')).toHaveLength(1);
  });

  it('explains a ban in Korean and disables the input', async () => {
    const joined = makeJoined({ nickname: '하늘' });
    const { socket } = await joinedPanel(joined, 'ko');
    socket.respond.send = () => refused('forbidden', 'You are banned from this chat');
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: '안녕' } });
    fireEvent.submit(screen.getByTestId('chat-form'));

    const feedback = await screen.findByTestId('chat-feedback');
    expect(feedback.textContent).toBe('이 채팅에서 차단되어 메시지를 보낼 수 없어요.');
    expect(screen.getByTestId('chat-input').hasAttribute('disabled')).toBe(true);
  });

  it('shows the room to an anonymous viewer at once, lets them vote and react, and asks for a nickname to send', async () => {
    const services = fakeChatServices();
    const poll = makePoll();
    const hello = makeMessage('hello readers', { nickname: 'host', role: 'owner' });
    services.socket.respond.join = () => ok(makeJoined({ nickname: null, history: [hello], poll }));
    services.socket.respond.vote = () => ok({});
    services.socket.respond.react = () => ok({ messageId: hello.id, reactions: { heart: 1 } });
    services.socket.respond.nickname = () => ok({ key: 'a:device1', nickname: 'mina', role: 'viewer', registered: false });
    renderWithChat(<ChannelChat channel="show" />, services);

    const input = await screen.findByTestId('nickname-input');
    expect(screen.getByTestId('chat-text').textContent).toBe('hello readers');
    expect(screen.queryByTestId('chat-input')).toBeNull();
    expect(screen.getByTestId('nickname-form').textContent).toContain('Pick a nickname to chat');
    fireEvent.click(screen.getAllByTestId('poll-vote')[0]!);
    await waitFor(() => expect(services.socket.emittedOf('vote')).toEqual([{ pollId: poll.id, option: 0 }]));
    fireEvent.click(screen.getByRole('button', { name: 'React' }));
    fireEvent.click(screen.getByRole('button', { name: 'Heart' }));
    await waitFor(() => expect(services.socket.emittedOf('react')).toEqual([{ messageId: hello.id, emote: 'heart' }]));

    fireEvent.change(input, { target: { value: 'x' } });
    fireEvent.submit(screen.getByTestId('nickname-form'));
    expect(screen.getByTestId('nickname-hint').textContent).toBe('Too short: use at least 2 characters.');
    fireEvent.change(input, { target: { value: 'mina<3' } });
    fireEvent.submit(screen.getByTestId('nickname-form'));
    expect(screen.getByTestId('nickname-hint').textContent).toBe('Use only letters, digits, _ - . and spaces between words.');

    fireEvent.change(input, { target: { value: 'mina' } });
    fireEvent.submit(screen.getByTestId('nickname-form'));
    expect((await screen.findByTestId('chat-input')).getAttribute('placeholder')).toBe('Send a message');
    expect(screen.getByText('Chatting as mina')).toBeTruthy();
    expect(services.socket.emittedOf('nickname')).toEqual([{ nickname: 'mina' }]);
    expect(services.socket.emittedOf('join')).toEqual([{ channel: 'show' }]);
    expect(services.store.getItem('onda.chat.nickname')).toBe('mina');
  });

  it('shows role badges, announcements, the pinned message and a poll with live percent results', async () => {
    const poll = makePoll();
    const joined = makeJoined({ nickname: 'mina', poll, pinned: makeMessage('Be nice', { nickname: 'host', role: 'owner' }) });
    const { socket } = await joinedPanel(joined);
    socket.respond.vote = () => ok({});
    frame(socket, { type: 'message', message: makeMessage('Giveaway at 9', { nickname: 'host', role: 'owner', kind: 'announcement' }) }, { type: 'message', message: makeMessage('hi', { nickname: 'mod', role: 'moderator' }) });

    expect(screen.getByTestId('chat-pinned').textContent).toContain('Be nice');
    expect(screen.getAllByTestId('role-badge').map((b) => b.textContent)).toEqual(['Streamer', 'Streamer', 'Mod']);
    const announcement = screen.getAllByTestId('chat-message')[0]!;
    expect(announcement.className).toContain('chat-msg--announcement');
    expect(announcement.textContent).toContain('Announcement');

    fireEvent.click(screen.getAllByTestId('poll-vote')[1]!);
    await waitFor(() => expect(socket.emittedOf('vote')).toEqual([{ pollId: poll.id, option: 1 }]));
    frame(socket, { type: 'poll', poll: { ...poll, options: [{ label: 'Tteokbokki', votes: 3 }, { label: 'Chips', votes: 2 }], totalVotes: 5 } });
    const results = screen.getAllByTestId('poll-result');
    expect(results.map((r) => r.textContent)).toEqual(['Tteokbokki60%', 'Chips40%']);
    expect(results[1]!.className).toContain('chat-poll__result--mine');
  });

  it('shows moderators the poll results rather than vote buttons, and folds the poll away', async () => {
    await joinedPanel(makeJoined({ nickname: 'host', canModerate: true, poll: makePoll() }));
    expect(screen.queryAllByTestId('poll-vote')).toHaveLength(0);
    expect(screen.getAllByTestId('poll-result').map((r) => r.textContent)).toEqual(['Tteokbokki75%', 'Chips25%']);

    fireEvent.click(screen.getByTestId('poll-toggle'));
    expect(screen.queryAllByTestId('poll-result')).toHaveLength(0);
    expect(screen.getByTestId('chat-poll').textContent).toContain('Best snack?');
  });

  it('gives moderators inline delete, timeout, ban and pin through REST', async () => {
    const target = makeMessage('buy followers', { nickname: 'troll' });
    const { socket, api } = await joinedPanel(makeJoined({ nickname: 'host', canModerate: true, history: [target] }));
    const row = () => screen.getByTestId('chat-message');

    fireEvent.click(within(row()).getByTestId('message-menu'));
    fireEvent.click(screen.getByTestId('mod-timeout'));
    fireEvent.click(within(row()).getByTestId('message-menu'));
    fireEvent.click(screen.getByTestId('mod-ban'));
    expect(screen.getByTestId('mod-ban').textContent).toBe('Ban troll? Click again');
    fireEvent.click(screen.getByTestId('mod-ban'));
    await waitFor(() =>
      expect(api.calls).toEqual([`ban show {"authorKey":"a:troll","durationSeconds":${InlineTimeoutSeconds}}`, 'ban show {"authorKey":"a:troll"}']),
    );

    fireEvent.click(within(row()).getByTestId('message-menu'));
    fireEvent.click(screen.getByTestId('mod-pin'));
    await screen.findByTestId('chat-pinned');
    fireEvent.click(within(row()).getByTestId('message-menu'));
    fireEvent.click(screen.getByTestId('mod-delete'));
    await waitFor(() => expect(screen.queryAllByTestId('chat-message')).toHaveLength(0));
    expect(screen.queryByTestId('chat-pinned')).toBeNull();
    expect(api.calls.slice(2)).toEqual([`pin show ${target.id}`, `deleteMessage show ${target.id}`]);
    expect(socket.emitted.filter((e) => e.event !== 'join')).toEqual([]);
  });

  it('pauses auto-scroll when the viewer scrolls up and offers a "new messages" button', async () => {
    const { socket } = await joinedPanel(makeJoined({ nickname: 'mina', history: [makeMessage('one')] }));
    const list = screen.getByTestId('chat-messages');
    Object.defineProperty(list, 'scrollHeight', { configurable: true, value: 1000 });
    Object.defineProperty(list, 'clientHeight', { configurable: true, value: 300 });

    list.scrollTop = 100;
    fireEvent.scroll(list);
    frame(socket, { type: 'message', message: makeMessage('two') }, { type: 'message', message: makeMessage('three') });
    expect(list.scrollTop).toBe(100);
    expect(screen.getByTestId('chat-resume').textContent).toContain('2 new messages');

    fireEvent.click(screen.getByTestId('chat-resume'));
    expect(list.scrollTop).toBe(1000);
    expect(screen.queryByTestId('chat-resume')).toBeNull();
    frame(socket, { type: 'message', message: makeMessage('four') });
    expect(screen.queryByTestId('chat-resume')).toBeNull();
  });

  it('shows a reconnecting state while the socket is down', async () => {
    const { socket } = await joinedPanel();
    act(() => socket.drop());
    expect(screen.getByTestId('chat-reconnecting').textContent).toBe('Connection lost. Reconnecting…');
    act(() => socket.reconnect());
    await waitFor(() => expect(screen.queryByTestId('chat-reconnecting')).toBeNull());
  });
  describe('translation', () => {
    const enabled = { enabled: true, languages: ['ko', 'en'] as Array<'ko' | 'en'> };

    it('has no language picker when the server does not translate', async () => {
      await joinedPanel(makeJoined({ nickname: 'mina' }));
      expect(screen.queryByTestId('chat-translate')).toBeNull();
    });

    it('translates into the picked language: known translations from the answer, new ones from frames, marked as machine translation', async () => {
      const korean = makeMessage('안녕하세요', { nickname: '바다', lang: 'ko' });
      const { socket, store } = await joinedPanel(makeJoined({ nickname: 'mina', history: [korean], translation: enabled }));
      const picker = screen.getByTestId('chat-translate') as HTMLSelectElement;
      expect(picker.value).toBe('off');
      expect([...picker.options].map((o) => o.textContent)).toEqual(['No translation', '한국어', 'English']);

      socket.respond.language = (payload) => ok({ lang: (payload as { lang: string }).lang, translations: [{ messageId: korean.id, lang: 'en', text: 'Hello' }] });
      fireEvent.change(picker, { target: { value: 'en' } });
      await screen.findByTestId('chat-translation');
      expect(socket.emittedOf('language')).toEqual([{ lang: 'en' }]);
      expect(store.getItem('onda.chat.translateTo')).toBe('en');
      const row = screen.getAllByTestId('chat-message')[0]!;
      expect(within(row).getByTestId('chat-text').textContent).toBe('안녕하세요');
      const line = within(row).getByTestId('chat-translation');
      expect(line.textContent).toBe('Machine translation Hello');
      expect(line.getAttribute('lang')).toBe('en');

      // A new message and its translation arrive in frames; translations into other languages are not for this viewer.
      const later = makeMessage('반가워요', { nickname: '바다', lang: 'ko' });
      const english = makeMessage('hi all', { nickname: 'sam', lang: 'en' });
      frame(socket, { type: 'message', message: later }, { type: 'message', message: english });
      frame(socket, { type: 'translation', messageId: later.id, lang: 'en', text: 'Nice to see you' }, { type: 'translation', messageId: english.id, lang: 'ko', text: '안녕 모두' });
      expect(screen.getAllByTestId('chat-translation').map((n) => n.textContent)).toEqual(['Machine translation Hello', 'Machine translation Nice to see you']);

      // Off again: translations disappear, the originals stay.
      fireEvent.change(picker, { target: { value: 'off' } });
      expect(screen.queryByTestId('chat-translation')).toBeNull();
      expect(screen.getAllByTestId('chat-text').map((n) => n.textContent)).toEqual(['안녕하세요', '반가워요', 'hi all']);
      expect(socket.emittedOf('language')).toEqual([{ lang: 'en' }, { lang: null }]);
    });

    it('joins with the remembered language and shows the translations of the history at once (Korean page)', async () => {
      const english = makeMessage('good evening', { nickname: 'sam', lang: 'en' });
      const services = fakeChatServices();
      services.store.setItem('onda.chat.nickname', 'mina');
      services.store.setItem('onda.chat.translateTo', 'ko');
      services.socket.respond.join = () => ok(makeJoined({ nickname: 'mina', history: [english], translation: enabled, translations: [{ messageId: english.id, lang: 'ko', text: '좋은 저녁' }] }));
      renderWithChat(<ChannelChat channel="show" />, services, 'ko');
      expect((await screen.findByTestId('chat-translation')).textContent).toBe('기계 번역 좋은 저녁');
      expect(services.socket.emittedOf('join')[0]).toMatchObject({ channel: 'show', lang: 'ko' });
      expect((screen.getByTestId('chat-translate') as HTMLSelectElement).value).toBe('ko');
    });
  });
});
