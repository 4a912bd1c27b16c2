import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { ConsoleLayout } from './console-layout';
import { FakeConsoleApi, renderConsole } from './testing';

describe(ConsoleLayout.name, () => {
  it('sends a visitor without a session to sign-in, then back to the page they wanted', async () => {
    const api = new FakeConsoleApi();
    api.signedIn = false;
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
    renderConsole('/console/channels/show', api);

    const form = await screen.findByTestId('sign-in-form');
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'admin@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong password!' } });
    fireEvent.submit(form);
    expect((await screen.findByTestId('form-error')).textContent).toBe('Wrong email or password.');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery' } });
    fireEvent.submit(form);
    expect((await screen.findByTestId('channel-title')).textContent).toBe('The Show');
  });

  it('says when sign-in is locked after too many attempts, in both languages (finding 8)', async () => {
    for (const [lang, text] of [['en', 'Try again in 15 min.'], ['ko', '15분 뒤에 다시 시도하세요.']] as const) {
      const api = new FakeConsoleApi();
      api.signedIn = false;
      api.signInLockedFor = 900;
      const view = renderConsole('/console', api, lang);
      const form = await screen.findByTestId('sign-in-form');
      fireEvent.change(screen.getByLabelText(lang === 'en' ? 'Email' : '이메일'), { target: { value: 'admin@example.com' } });
      fireEvent.change(screen.getByLabelText(lang === 'en' ? 'Password' : '비밀번호'), { target: { value: 'correct horse battery' } });
      fireEvent.submit(form);
      expect((await screen.findByTestId('form-error')).textContent).toContain(text);
      view.unmount();
    }
  });

  it('offers first-run setup while the server has no admin', async () => {
    const api = new FakeConsoleApi();
    api.signedIn = false;
    api.needsSetup = true;
    renderConsole('/console', api, 'ko');

    expect(await screen.findByTestId('setup-form')).toBeTruthy();
    expect(screen.getByText('첫 운영자 만들기')).toBeTruthy();
  });

  it('lists the channels with their status and links the VOD library', async () => {
    const api = new FakeConsoleApi();
    api.channels.set('on-air', makeChannel({ slug: 'on-air', title: 'On Air', status: 'live' }));
    api.channels.set('quiet', makeChannel({ slug: 'quiet', title: 'Quiet' }));
    renderConsole('/console', api);

    expect((await screen.findByTestId('channel-row-on-air')).textContent).toContain('LIVE');
    expect(screen.getByTestId('channel-row-quiet').textContent).toContain('OFFLINE');
    expect(screen.getByRole('link', { name: 'VODs' }).getAttribute('href')).toBe('/console/vods');
  });

  it('creates a channel through the form and opens its key page', async () => {
    const api = new FakeConsoleApi();
    renderConsole('/console/channels/new', api);

    fireEvent.change(await screen.findByLabelText('Address (slug)'), { target: { value: 'new-show' } });
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '새 방송' } });
    fireEvent.change(screen.getByLabelText('Visibility'), { target: { value: 'unlisted' } });
    // The two windows are required whole seconds from 0 up to their own limit.
    for (const [label, max] of [['Reconnect window (seconds)', '600'], ['Live rewind (seconds)', '86400']] as const) {
      const field = screen.getByLabelText(label);
      expect([field.getAttribute('type'), field.getAttribute('min'), field.getAttribute('max'), field.hasAttribute('required')]).toEqual(['number', '0', max, true]);
    }
    fireEvent.submit(screen.getByTestId('channel-form'));

    await waitFor(() => expect(screen.queryByTestId('stream-key-panel')).not.toBeNull());
    expect(api.calls[0]).toBe('createChannel {"slug":"new-show","title":"새 방송","description":"","visibility":"unlisted","recording":true,"reconnectWindowSeconds":30,"latencyMode":"normal","dvrWindowSeconds":300,"clipPolicy":"viewers","embedOrigins":[]}');
  });
});
