import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiClient, createChannel, publish, screenshot, waitFor } from '@onda/testing';
import { E2E_ADMIN, promoteToOperator } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

// Set CONSOLE_SHOTS_DIR to also save screenshots (desktop 1280x800, phone 390x844).
const shotsDir = process.env.CONSOLE_SHOTS_DIR;
const PASSWORD = 'streamer long passphrase';

/** People and roles (issue 14) in a real browser: an operator invites, the invitee accepts in another browser and sees only its own channels. */
describe('people and invitations (Chromium)', () => {
  // Starting embedded PostgreSQL and running create-admin twice can take minutes on a loaded 2-core box.
  const e2e = platformAndBrowser({ timeout: 300_000 });

  beforeAll(() => promoteToOperator(e2e.platform), 300_000);

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name, { fullPage: true });

  it('operator invites a streamer by link; the invitee accepts in a second context, signs in and sees only its own channels; disabling signs it out', async () => {
    // The operator's own channel, which the streamer must never see.
    const made = await fetch(`${e2e.platform.apiUrl}/v1/channels`, { method: 'POST', headers: { authorization: `Bearer ${e2e.platform.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ slug: 'operator-only', title: 'Operator only', visibility: 'private' }) });
    expect(made.status).toBe(201);

    const operator = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await operator.addInitScript(() => window.localStorage.setItem('onda.lang', 'en'));
    const op = await operator.newPage();
    await op.goto(`${e2e.platform.apiUrl}/console/sign-in`);
    await op.getByLabel('Email').fill(E2E_ADMIN.email);
    await op.getByLabel('Password').fill(E2E_ADMIN.password);
    await op.getByRole('button', { name: 'Sign in' }).click();
    await op.waitForURL(/\/console$/);
    await op.getByRole('link', { name: 'People' }).click();
    await op.waitForURL(/\/console\/people$/);

    // By keyboard: type into the form, Tab to the role (streamer by default), submit with Enter.
    const form = op.getByTestId('invite-form');
    await form.getByLabel('Email').focus();
    await op.keyboard.type('mina@example.com');
    await op.keyboard.press('Tab');
    expect(await op.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('role');
    await form.getByLabel('Email').press('Enter');
    const link = (await op.getByTestId('invite-link-value').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${e2e.platform.apiUrl}/console/accept#token=inv_`));
    await expect.poll(() => op.getByTestId('pending-invitations').textContent()).toContain('mina@example.com');
    await shot(op, 'people-desktop-en');

    // The invitee: another browser (no shared cookies), a phone, Korean.
    const invitee = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ko-KR', isMobile: true });
    await invitee.addInitScript(() => window.localStorage.setItem('onda.lang', 'ko'));
    const me = await invitee.newPage();
    await me.goto(link);
    await me.getByText('mina@example.com(으)로 스트리머 초대를 받았어요.').waitFor();
    await shot(me, 'accept-phone-ko');
    await me.getByLabel('이름').fill('미나');
    await me.getByLabel('비밀번호 정하기').fill(PASSWORD);
    await me.getByRole('button', { name: '계정 만들기' }).click();
    await me.waitForURL(/\/console$/);
    // Signed in as a streamer: no channels of the operator's, no People page.
    await me.getByRole('link', { name: '새 채널' }).or(me.getByTestId('new-channel')).first().waitFor();
    expect(await me.content()).not.toContain('operator-only');
    expect(await me.getByRole('link', { name: '사람' }).count()).toBe(0);
    const mine = await me.evaluate(async () => (await (await fetch('/v1/channels?owner=me')).json()) as { items: unknown[] });
    expect(mine.items).toEqual([]);
    const others = await me.evaluate(async () => (await fetch('/v1/channels/operator-only')).status);
    expect(others).toBe(404);
    await shot(me, 'console-phone-ko');

    // The link worked once.
    const replay = await fetch(`${e2e.platform.apiUrl}/v1/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.split('#token=')[1], displayName: 'Eve', password: PASSWORD }) });
    expect(replay.status).toBe(410);

    // Sign out and in again with the chosen password.
    await me.getByTestId('sign-out').click();
    await me.waitForURL(/\/console\/sign-in$/);
    await me.getByLabel('이메일').fill('mina@example.com');
    await me.getByLabel('비밀번호').fill(PASSWORD);
    await me.getByRole('button', { name: '로그인' }).click();
    await me.waitForURL(/\/console$/);

    // The operator sees the new account, opens it and disables it: the invitee's session ends at once.
    await op.reload();
    await op.getByRole('link', { name: /미나/ }).click();
    await op.waitForURL(/\/console\/people\/[0-9a-f-]+$/);
    await op.getByTestId('person-sessions').getByRole('row').nth(1).waitFor();
    await shot(op, 'person-desktop-en');
    await op.getByTestId('disable').click();
    await op.getByTestId('confirm-yes').click();
    await op.getByTestId('enable').waitFor();
    await me.reload();
    await me.waitForURL(/\/console\/sign-in$/);

    await op.getByRole('link', { name: 'Audit log' }).click();
    const audit = op.getByTestId('audit-table');
    await expect.poll(() => audit.textContent()).toContain('user.disabled');
    expect(await audit.textContent()).toContain('invitation.accepted');
    await shot(op, 'audit-desktop-en');

    // Phone view of the people list, in Korean.
    const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ko-KR', isMobile: true, storageState: await operator.storageState() });
    await phone.addInitScript(() => window.localStorage.setItem('onda.lang', 'ko'));
    const p = await phone.newPage();
    await p.goto(`${e2e.platform.apiUrl}/console/people`);
    await p.getByTestId('people-table').waitFor();
    await shot(p, 'people-phone-ko');
    await Promise.all([operator.close(), invitee.close(), phone.close()]);
  }, 300_000);

  it("operator manages a streamer's live channel on a phone (Korean); disabling the streamer stops its RTMP publish", async () => {
    const asOperator = { authorization: `Bearer ${e2e.platform.token}`, 'content-type': 'application/json' };
    const post = (url: string, body: unknown, headers: Record<string, string> = asOperator) => fetch(`${e2e.platform.apiUrl}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
    // A streamer by invitation, with a token of its own and a channel.
    const inv = (await (await post('/v1/invitations', { email: 'jiwoo@example.com', role: 'streamer' })).json()) as { token: string };
    const accepted = await post('/v1/invitations/accept', { token: inv.token, displayName: 'Jiwoo', password: PASSWORD }, { 'content-type': 'application/json' });
    const cookie = accepted.headers.get('set-cookie')!.split(';')[0]!;
    const minted = (await (await post('/v1/tokens', { name: 'obs', scopes: ['*'] }, { cookie, origin: e2e.platform.apiUrl, 'content-type': 'application/json' })).json()) as { token: string };
    const { publishUrl } = await createChannel(apiClient({ apiUrl: e2e.platform.apiUrl, token: minted.token }), { slug: 'jiwoo-live', title: 'Jiwoo live' });

    const publisher = publish(publishUrl, { seconds: 120, size: '640x360' });
    try {
      await waitFor('the broadcast to be live', async () => ((await (await fetch(`${e2e.platform.apiUrl}/v1/channels/jiwoo-live`)).json()) as { status: string }).status === 'live', 90_000);

      // The operator, on a phone in Korean: every channel with its owner; the streamer's opens on the streamer's own page.
      const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ko-KR', isMobile: true });
      await phone.addInitScript(() => window.localStorage.setItem('onda.lang', 'ko'));
      const p = await phone.newPage();
      await p.goto(`${e2e.platform.apiUrl}/console/sign-in`);
      await p.getByLabel('이메일').fill(E2E_ADMIN.email);
      await p.getByLabel('비밀번호').fill(E2E_ADMIN.password);
      await p.getByRole('button', { name: '로그인' }).click();
      await p.waitForURL(/\/console$/);
      expect(await p.getByTestId('channel-owner-jiwoo-live').textContent()).toBe('소유자: Jiwoo (jiwoo@example.com)');
      await shot(p, 'operator-channels-phone-ko');
      await p.getByRole('link', { name: 'Jiwoo live' }).click();
      await p.waitForURL(/\/console\/channels\/jiwoo-live$/);
      expect(await p.getByTestId('foreign-channel').textContent()).toContain('Jiwoo (jiwoo@example.com) 님의 채널입니다');
      // The stream key panel reads the streamer's key (audited as channel.key_read).
      await p.getByTestId('stream-key').waitFor();
      await shot(p, 'operator-foreign-channel-phone-ko');
      // No wider than the phone: nothing scrolls sideways.
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.close();

      // Disabling the streamer ends its broadcast: the ingest drops the publisher (ffmpeg exits), the key is refused.
      const jiwoo = ((await (await fetch(`${e2e.platform.apiUrl}/v1/users`, { headers: asOperator })).json()) as { items: Array<{ id: string; email: string }> }).items.find((u) => u.email === 'jiwoo@example.com')!;
      const disabledAt = Date.now();
      expect((await post(`/v1/users/${jiwoo.id}/disable`, {})).status).toBe(200);
      const exited = await Promise.race([publisher.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000))]);
      expect(exited, 'the publisher is still connected 30 s after its account was disabled').not.toBe('running');
      console.log(`publisher dropped ${Date.now() - disabledAt} ms after the disable`);
      const audit = ((await (await fetch(`${e2e.platform.apiUrl}/v1/users/audit?user=${jiwoo.id}`, { headers: asOperator })).json()) as { items: Array<{ action: string; actor: { email: string } }> }).items;
      expect(audit.map((a) => `${a.action} by ${a.actor.email}`)).toEqual(expect.arrayContaining([`channel.key_read by ${E2E_ADMIN.email}`, `user.disabled by ${E2E_ADMIN.email}`]));
    } finally {
      await publisher.stop();
    }
  }, 300_000);
});
