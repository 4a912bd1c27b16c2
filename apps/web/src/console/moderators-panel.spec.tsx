import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { ModeratorsPanel } from './moderators-panel';
import { FakeConsoleApi, renderConsole } from './testing';

const MOD_ID = '00000000-0000-4000-8000-0000000000dd';

describe(ModeratorsPanel.name, () => {
  let api: FakeConsoleApi;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
  });

  it('lists the moderators, or says there are none', async () => {
    api.moderators.set('show', [{ userId: MOD_ID, email: 'mod@example.com', displayName: 'Mina', createdAt: '2026-01-01T00:00:00.000Z' }]);
    renderConsole('/console/channels/show', api);

    const items = await screen.findAllByTestId('moderator');
    expect(items.map((i) => i.textContent)).toEqual([expect.stringContaining('Mina')]);
    expect(items[0]!.textContent).toContain('mod@example.com');

    api.channels.set('other', makeChannel({ slug: 'other' }));
    renderConsole('/console/channels/other', api, 'ko');
    expect((await screen.findByTestId('moderators-empty')).textContent).toBe('아직 모더레이터가 없어요.');
  });

  it('invites by email with one answer for any address, lists the pending invitation and withdraws it', async () => {
    renderConsole('/console/channels/show', api);
    const input = await screen.findByTestId('moderator-email');

    fireEvent.change(input, { target: { value: 'nobody@example.com' } });
    fireEvent.click(screen.getByTestId('add-moderator'));
    expect((await screen.findByTestId('invitation-sent')).textContent).toBe(
      'Invitation sent to nobody@example.com. If that address has an account, it moderates this channel once it accepts.',
    );
    // Invited is not a moderator: nothing in the moderator list until the account accepts.
    expect(screen.queryAllByTestId('moderator')).toHaveLength(0);
    expect((await screen.findByTestId('pending-invitation')).textContent).toContain('nobody@example.com');
    expect(api.calls).toContain('addModerator show nobody@example.com');
    expect((input as HTMLInputElement).value).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.click(screen.getByTestId('withdraw-invitation'));
    await waitFor(() => expect(screen.queryAllByTestId('pending-invitation')).toHaveLength(0));
    expect(api.calls.some((c) => c.startsWith('withdrawInvitation show '))).toBe(true);
  });

  it('shows the invited account its invitations on the console home, in Korean too, and answers them', async () => {
    api.myInvitations = [
      { id: '00000000-0000-4000-8000-0000000000a1', channel: { id: '00000000-0000-4000-8000-0000000000c1', slug: 'friend', title: 'Friend Show' }, createdAt: '2026-01-01T00:00:00.000Z' },
      { id: '00000000-0000-4000-8000-0000000000a2', channel: { id: '00000000-0000-4000-8000-0000000000c2', slug: 'spam', title: 'Spam' }, createdAt: '2026-01-01T00:00:00.000Z' },
    ];
    renderConsole('/console', api, 'ko');
    const items = await screen.findAllByTestId('my-invitation');
    expect(items[0]!.textContent).toContain('“Friend Show”(friend) 채널의 모더레이터가 될까요?');
    fireEvent.click(within(items[0]!).getByTestId('accept-invitation'));
    fireEvent.click(within(items[1]!).getByTestId('decline-invitation'));
    await waitFor(() => expect(screen.queryByTestId('invitations-panel')).toBeNull());
    expect(api.calls).toEqual(expect.arrayContaining(['acceptInvitation 00000000-0000-4000-8000-0000000000a1', 'declineInvitation 00000000-0000-4000-8000-0000000000a2']));
  });

  it('removes a moderator only after confirmation', async () => {
    api.moderators.set('show', [{ userId: MOD_ID, email: 'mod@example.com', displayName: 'Mina', createdAt: '2026-01-01T00:00:00.000Z' }]);
    renderConsole('/console/channels/show', api);

    fireEvent.click(await screen.findByTestId('remove-moderator'));
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByText('Cancel'));
    expect(api.calls.filter((c) => c.startsWith('removeModerator'))).toEqual([]);

    fireEvent.click(screen.getByTestId('remove-moderator'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('mod@example.com will no longer moderate this channel.');
    fireEvent.click(screen.getByTestId('confirm-yes'));

    await waitFor(() => expect(screen.queryAllByTestId('moderator')).toHaveLength(0));
    expect(api.calls).toContain(`removeModerator show ${MOD_ID}`);
    expect(screen.getByTestId('moderators-empty')).toBeTruthy();
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
  });
});
