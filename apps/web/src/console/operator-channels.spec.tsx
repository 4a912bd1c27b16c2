import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { ChannelListPage } from './channel-list-page';
import { FakeConsoleApi, renderConsole } from './testing';

const ME = '00000000-0000-4000-8000-0000000000aa';
const OTHER = { id: '00000000-0000-4000-8000-0000000000bb', email: 'mina@example.com', displayName: 'Mina' };

/** Operators see every account's channels with their owner, and open another's on the streamer's own pages (issue 14). */
describe(`${ChannelListPage.name} (operators)`, () => {
  let api: FakeConsoleApi;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('mine', makeChannel({ slug: 'mine', title: 'Mine', owner: { id: ME, email: 'admin@example.com', displayName: 'Admin' } }));
    api.channels.set('hers', makeChannel({ slug: 'hers', title: 'Hers', owner: OTHER }));
  });

  it("lists every account's channels with the owner under the title", async () => {
    renderConsole('/console', api);
    expect((await screen.findByTestId('channel-owner-hers')).textContent).toBe('Owner: Mina (mina@example.com)');
    expect(screen.getByTestId('channel-owner-mine').textContent).toBe('Owner: yours');
    expect(screen.getByText('All channels')).toBeTruthy();
    expect(api.calls).toContain('listAllChannels');
  });

  it('speaks Korean on the list', async () => {
    renderConsole('/console', api, 'ko');
    expect((await screen.findByTestId('channel-owner-hers')).textContent).toBe('소유자: Mina (mina@example.com)');
    expect(screen.getByText('모든 채널')).toBeTruthy();
  });

  it('a streamer sees only its own channels, without owners', async () => {
    api.operator = false;
    api.channels.set('mine', makeChannel({ slug: 'mine', title: 'Mine' }));
    renderConsole('/console', api);
    await screen.findByTestId('channel-row-mine');
    expect(screen.queryByTestId('channel-row-hers')).toBeNull();
    expect(api.calls).not.toContain('listAllChannels');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Channels');
  });

  it("says whose channel the operator is managing, and that it is audited, with a way to the owner's account", async () => {
    renderConsole('/console/channels/hers', api);
    const note = await screen.findByTestId('foreign-channel');
    expect(note.textContent).toContain('This channel belongs to Mina (mina@example.com)');
    expect(note.textContent).toContain('audit log');
    expect(note.querySelector('a')?.getAttribute('href')).toBe(`/console/people/${OTHER.id}`);
    // The streamer's own page: stream key, edit, delete are all there for the operator too.
    await waitFor(() => expect(screen.getByTestId('edit-channel')).toBeTruthy());
    expect(screen.getByTestId('delete-channel')).toBeTruthy();
  });
});
