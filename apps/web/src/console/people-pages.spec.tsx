import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { PeoplePage } from './people-page';
import { FakeConsoleApi, renderConsole } from './testing';

const MINA = '00000000-0000-4000-8000-0000000000bb';

describe(PeoplePage.name, () => {
  let api: FakeConsoleApi;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.people.set(MINA, { id: MINA, email: 'mina@example.com', displayName: 'Mina', role: 'streamer', disabled: false, disabledAt: null, createdAt: '2026-01-01T00:00:00.000Z', channels: [{ id: '00000000-0000-4000-8000-0000000000c9', slug: 'mina-live', title: 'Mina live' }] });
  });

  it('lists every account and shows a new invitation link once, to copy', async () => {
    renderConsole('/console/people', api);
    const table = await screen.findByTestId('people-table');
    expect(within(table).getByText('Mina')).toBeTruthy();
    expect(within(table).getByText('mina-live')).toBeTruthy();
    const form = screen.getByTestId('invite-form');
    fireEvent.change(within(form).getByLabelText('Email'), { target: { value: 'new@example.com' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create link' }));
    expect((await screen.findByTestId('invite-link-value')).textContent).toBe('http://onda.test/console/accept#token=inv_fake_1');
    await waitFor(() => expect(within(screen.getByTestId('pending-invitations')).getByText('new@example.com')).toBeTruthy());
  });

  it('asks for a channel before inviting a moderator, in Korean too', async () => {
    renderConsole('/console/people', api, 'ko');
    const form = await screen.findByTestId('invite-form');
    fireEvent.change(within(form).getByLabelText('역할'), { target: { value: 'moderator' } });
    const submit = within(form).getByRole('button', { name: '링크 만들기' });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText('채널 (모더레이터용)'), { target: { value: 'mina-live' } });
    expect((submit as HTMLButtonElement).disabled).toBe(false);
  });

  it('disables an account after confirmation, and deletes one only with a channel transfer', async () => {
    const HEIR = '00000000-0000-4000-8000-0000000000ee';
    api.people.set(HEIR, { id: HEIR, email: 'heir@example.com', displayName: 'Heir', role: 'streamer', disabled: false, disabledAt: null, createdAt: '2026-01-01T00:00:00.000Z', channels: [] });
    renderConsole(`/console/people/${MINA}`, api);
    fireEvent.click(await screen.findByTestId('disable'));
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByTestId('confirm-yes'));
    await waitFor(() => expect(api.peopleCalls).toContain(`disable ${MINA}`));
    expect(await screen.findByTestId('enable')).toBeTruthy();

    fireEvent.click(screen.getByTestId('delete'));
    const dialog = screen.getByTestId('confirm-dialog');
    const confirm = within(dialog).getByTestId('confirm-yes') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Give channels to'), { target: { value: HEIR } });
    fireEvent.click(confirm);
    await waitFor(() => expect(api.peopleCalls).toContain(`delete ${MINA} -> ${HEIR}`));
  });

  it('the accept page says when a link does not work', async () => {
    renderConsole('/console/accept#token=inv_used', api);
    expect((await screen.findByTestId('form-error')).textContent).toContain('This invitation link does not work.');
  });

  it('the accept page creates the account with the chosen name and password', async () => {
    renderConsole('/console/accept#token=inv_fake_9', api);
    const form = await screen.findByTestId('accept-form');
    await within(form).findByText(/You were invited as Streamer with new@example.com/);
    fireEvent.change(within(form).getByLabelText('Your name'), { target: { value: 'New' } });
    fireEvent.change(within(form).getByLabelText('Choose a password'), { target: { value: 'a long enough password' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create my account' }));
    await waitFor(() => expect(api.peopleCalls).toContain('accept inv_fake_9 New en'));
  });

  it('with SMTP settings, mails the invitation in the chosen language and says so beside the link (Korean)', async () => {
    api.mail = 'sent';
    renderConsole('/console/people', api, 'ko');
    const form = await screen.findByTestId('invite-form');
    // The inviter's own language by default.
    expect((within(form).getByLabelText('메일 언어') as HTMLSelectElement).value).toBe('ko');
    fireEvent.change(within(form).getByLabelText('이메일'), { target: { value: 'jiwoo@example.com' } });
    fireEvent.change(within(form).getByLabelText('메일 언어'), { target: { value: '' } });
    fireEvent.click(within(form).getByRole('button', { name: '링크 만들기' }));
    expect((await screen.findByTestId('mail-outcome')).textContent).toBe('jiwoo@example.com(으)로 메일도 보냈습니다.');
    expect(screen.getByTestId('invite-link-value').textContent).toContain('#token=inv_fake_1');
    expect(api.peopleCalls).toContain('invite jiwoo@example.com both');
  });

  it('a reset link whose mail failed is still shown to copy, with the reason to send it yourself', async () => {
    api.mail = 'failed';
    renderConsole(`/console/people/${MINA}`, api);
    fireEvent.click(await screen.findByTestId('reset'));
    expect((await screen.findByTestId('reset-link-value')).textContent).toBe('http://onda.test/console/reset#token=rst_fake');
    expect(screen.getByTestId('mail-outcome').textContent).toBe('The mail to mina@example.com could not be sent: copy the link and send it yourself.');
  });

  it('says nothing about mail when the server sends none', async () => {
    renderConsole(`/console/people/${MINA}`, api);
    fireEvent.click(await screen.findByTestId('reset'));
    await screen.findByTestId('reset-link-value');
    expect(screen.queryByTestId('mail-outcome')).toBeNull();
  });
});
