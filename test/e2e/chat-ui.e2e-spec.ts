import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { screenshot } from '@onda/testing';
import { E2E_ADMIN } from './support/platform.js';
import { platformAndBrowser } from './support/browser-suite.js';

// Screenshots of the channel page with chat (en, ko) and of the moderation dashboard.
const shotsDir = process.env.CHAT_SHOTS_DIR ?? '/tmp/shots';
const HOSTILE = '<img src=x onerror=alert(1)>';
const wait = { timeout: 20_000, interval: 100 };

/**
 * The chat UI through real parts: the built web app served by `onda all`, socket.io to the API's `/chat`
 * namespace, REST moderation from the console. Two anonymous viewers and the signed-in owner, each in
 * their own browser context; one viewer reads the room before picking a nickname. Then a viewer whose
 * network drops gets exactly what it missed once back.
 */
describe('live chat UI', () => {
  const e2e = platformAndBrowser();
  const slug = 'e2e-chat';
  const contexts: BrowserContext[] = [];
  const alerts: string[] = [];

  async function createChannel(channelSlug: string, title: string): Promise<void> {
    const res = await fetch(`${e2e.platform.apiUrl}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: channelSlug, title }),
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    await createChannel(slug, 'E2E 채팅 채널');
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  async function newPage(language: 'en' | 'ko', width = 1360): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: { width, height: 820 }, locale: language === 'ko' ? 'ko-KR' : 'en-US' });
    contexts.push(context);
    await context.addInitScript((lang) => window.localStorage.setItem('onda.lang', lang), language);
    const page = await context.newPage();
    // A hostile payload that ever ran as HTML would open this dialog.
    page.on('dialog', (dialog) => {
      alerts.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  async function joinAs(page: Page, nickname: string): Promise<void> {
    await page.goto(`${e2e.platform.apiUrl}/c/${slug}`);
    await pickNickname(page, nickname);
  }

  /** The nickname form in place of the input: the viewer is in the room already and stays there. */
  async function pickNickname(page: Page, nickname: string): Promise<void> {
    const input = page.getByTestId('nickname-input');
    await input.fill(nickname);
    await input.press('Enter');
    await page.getByTestId('chat-input').waitFor();
  }

  /** The chat rows whose text is exactly `text`. */
  const rows = (page: Page, text: string): Locator => page.getByTestId('chat-message').filter({ has: page.getByTestId('chat-text').getByText(text, { exact: true }) });

  async function send(page: Page, text: string): Promise<void> {
    const input = page.getByTestId('chat-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => input.inputValue(), wait).toBe('');
  }

  it('viewers chat (reading first, Korean IME, hostile HTML as text); the owner deletes and bans from the console', async () => {
    const viewer = await newPage('en');
    const other = await newPage('ko');
    // The room shows before any nickname: the viewer reads along, the input area asks for a nickname to send.
    await viewer.goto(`${e2e.platform.apiUrl}/c/${slug}`);
    await viewer.getByTestId('nickname-form').waitFor(wait);
    expect(await viewer.getByTestId('chat-panel').getAttribute('data-status')).toBe('joined');
    expect(await viewer.getByTestId('chat-input').count()).toBe(0);
    await joinAs(other, '바다');
    await send(other, '먼저 왔어요');
    await rows(viewer, '먼저 왔어요').waitFor(wait);
    await expect.poll(() => viewer.getByTestId('chat-viewers').textContent(), wait).toBe('2 watching');
    await shot(viewer, 'channel-chat-reading-en');
    await pickNickname(viewer, 'sky_viewer');
    expect(await viewer.getByTestId('chat-text').allTextContents()).toEqual(['먼저 왔어요']);

    await send(viewer, 'hello from e2e');
    await rows(other, 'hello from e2e').waitFor(wait);

    // Korean through a (CDP-driven) input method: the Enter that commits the last syllable must not send.
    const input = viewer.getByTestId('chat-input');
    await input.focus();
    const cdp = await viewer.context().newCDPSession(viewer);
    await cdp.send('Input.insertText', { text: '안녕하세' });
    await cdp.send('Input.imeSetComposition', { text: 'ㅇ', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: '요', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, text: '\r' });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229 });
    await cdp.send('Input.insertText', { text: '요' });
    expect(await input.inputValue()).toBe('안녕하세요');
    await input.press('Enter');
    await rows(other, '안녕하세요').waitFor(wait);
    // Sends are ordered on one socket: had the composing Enter sent, that message would be here before this one.
    expect(await other.getByTestId('chat-text').allTextContents()).toEqual(['먼저 왔어요', 'hello from e2e', '안녕하세요']);

    await send(viewer, HOSTILE);
    await rows(other, HOSTILE).waitFor(wait);
    expect(await other.getByTestId('chat-messages').locator('img, script').count()).toBe(0);
    expect(await viewer.getByTestId('chat-messages').locator('img, script').count()).toBe(0);

    await send(other, '반가워요 👋');
    await rows(viewer, '반가워요 👋').waitFor(wait);
    // Reactions: from the hover bar on the other page, counted on this one.
    const greeting = rows(other, '반가워요 👋');
    await greeting.hover();
    await greeting.getByRole('button', { name: '반응 남기기' }).click();
    await other.getByRole('button', { name: '하트', exact: true }).click();
    await rows(viewer, '반가워요 👋').locator('.chat-reaction').waitFor(wait);
    expect(await rows(viewer, '반가워요 👋').locator('.chat-reaction').getAttribute('aria-label')).toBe('Heart 1');
    await shot(viewer, 'channel-chat-en');

    // The owner signs in (the cookie is what the chat socket recognises) and opens the dashboard from the channel page.
    const owner = await newPage('en', 1440);
    const signIn = await owner.context().request.post(`${e2e.platform.apiUrl}/v1/auth/sign-in`, { data: { email: E2E_ADMIN.email, password: E2E_ADMIN.password } });
    expect(signIn.ok()).toBe(true);
    await owner.goto(`${e2e.platform.apiUrl}/console/channels/${slug}`);
    await owner.getByTestId('chat-moderation').click();
    await owner.getByTestId('chat-dashboard').waitFor();
    const feedRow = rows(owner, 'hello from e2e');
    await feedRow.waitFor(wait);
    await feedRow.hover();
    await feedRow.getByTestId('message-menu').click();
    await shot(owner, 'chat-dashboard-menu');
    await owner.getByTestId('mod-delete').click();

    await expect.poll(() => rows(viewer, 'hello from e2e').count(), wait).toBe(0);
    await expect.poll(() => rows(other, 'hello from e2e').count(), wait).toBe(0);

    const korean = rows(owner, '안녕하세요');
    await korean.hover();
    await korean.getByTestId('message-menu').click();
    await owner.getByTestId('mod-ban').click();
    await owner.getByTestId('mod-ban').click();

    // A ban purges the author's messages from every screen...
    await expect.poll(() => rows(other, '안녕하세요').count(), wait).toBe(0);
    await expect.poll(() => rows(other, HOSTILE).count(), wait).toBe(0);
    expect(await rows(other, '반가워요 👋').count()).toBe(1);
    // ...and the viewer is told plainly on the next send.
    await viewer.getByTestId('chat-input').fill('am I still here?');
    await viewer.getByTestId('chat-input').press('Enter');
    const feedback = viewer.getByTestId('chat-feedback');
    await expect.poll(() => feedback.getAttribute('data-kind'), wait).toBe('banned');
    expect(await feedback.textContent()).toBe("You are banned from this chat and can't send messages.");
    expect(await viewer.getByTestId('chat-input').isDisabled()).toBe(true);
    await shot(viewer, 'channel-chat-banned-en');

    await moderateMore(owner, other);

    await owner.getByTestId('chat-tab-bans').click();
    const ban = owner.getByTestId('ban-row');
    await ban.first().waitFor(wait);
    expect(await ban.count()).toBe(1);
    expect(await ban.textContent()).toContain('sky_viewer');
    await shot(owner, 'chat-dashboard-bans');
    await owner.getByTestId('chat-tab-settings').click();
    await owner.getByTestId('chat-settings-form').waitFor();
    await shot(owner, 'chat-dashboard-settings');
    await owner.getByTestId('chat-tab-audit').click();
    await owner.getByTestId('audit-table').waitFor(wait);
    await shot(owner, 'chat-dashboard-audit');
    await owner.getByTestId('lang-ko').click();
    await owner.getByTestId('chat-tab-settings').click();
    await owner.getByTestId('chat-settings-form').waitFor();
    await shot(owner, 'chat-dashboard-settings-ko');

    expect(alerts).toEqual([]);
  });

  it('a viewer whose network drops gets exactly the messages it missed, once, in order', async () => {
    const room = 'e2e-chat-reconnect';
    await createChannel(room, 'E2E 재접속');
    const reader = await newPage('en');
    const talker = await newPage('ko');
    // The talker's nickname is remembered from an earlier visit: it joins with it, no prompt.
    await talker.context().addInitScript(() => window.localStorage.setItem('onda.chat.nickname', '수다쟁이'));

    // What the reader's chat socket sends and is answered (over HTTP long-polling until it upgrades to a WebSocket).
    const joins: Array<{ since?: string }> = [];
    const histories: string[][] = [];
    const sent = (payload: string | Buffer) => {
      for (const packet of chatPackets(payload)) if (packet.kind === 'event' && packet.data[0] === 'join') joins.push(packet.data[1] as { since?: string });
    };
    const received = (payload: string | Buffer) => {
      for (const packet of chatPackets(payload)) {
        const answer = packet.kind === 'ack' ? (packet.data[0] as { data?: { history?: Array<{ text: string }> } }) : null;
        if (answer?.data?.history) histories.push(answer.data.history.map((m) => m.text));
      }
    };
    reader.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => sent(payload));
      ws.on('framereceived', ({ payload }) => received(payload));
    });
    reader.on('request', (req) => {
      if (req.url().includes('/socket.io/') && req.method() === 'POST') sent(req.postData() ?? '');
    });
    reader.on('response', (res) => {
      if (res.url().includes('/socket.io/') && res.request().method() === 'GET') void res.text().then(received, () => undefined);
    });

    await reader.goto(`${e2e.platform.apiUrl}/c/${room}`);
    await reader.getByTestId('nickname-form').waitFor(wait);
    await talker.goto(`${e2e.platform.apiUrl}/c/${room}`);
    await talker.getByTestId('chat-input').waitFor(wait);
    expect(await talker.getByTestId('nickname-form').count()).toBe(0);
    await send(talker, 'before the drop');
    await rows(reader, 'before the drop').waitFor(wait);

    // The network goes away under the reader (the browser fires 'offline'; socket.io closes the transport and retries).
    await reader.context().setOffline(true);
    await reader.getByTestId('chat-reconnecting').waitFor(wait);
    await send(talker, 'missed 1');
    await send(talker, 'missed 2');
    await rows(talker, 'missed 2').waitFor(wait);
    expect(await rows(reader, 'missed 1').count()).toBe(0);

    await reader.context().setOffline(false);
    await rows(reader, 'missed 2').waitFor(wait);
    await expect.poll(() => reader.getByTestId('chat-panel').getAttribute('data-status'), wait).toBe('joined');
    // The re-join asked for what came after the last message on screen; the answer held the missed messages only.
    await expect.poll(() => joins.length, wait).toBe(2);
    expect(joins[0]!.since).toBeUndefined();
    expect(joins[1]!.since).toEqual(expect.any(String));
    await expect.poll(() => histories, wait).toEqual([[], ['missed 1', 'missed 2']]);
    await send(talker, 'after the drop');
    await rows(reader, 'after the drop').waitFor(wait);
    expect(await reader.getByTestId('chat-text').allTextContents()).toEqual(['before the drop', 'missed 1', 'missed 2', 'after the drop']);
    expect(alerts).toEqual([]);
  });

  /** Link review, a poll, an announcement, a pin and slow mode, each set in the dashboard and seen by a viewer. */
  async function moderateMore(owner: Page, viewer: Page): Promise<void> {
    await owner.getByTestId('chat-tab-settings').click();
    await owner.getByLabel('Links in messages').selectOption('hold');
    await owner.getByTestId('chat-settings-save').click();
    await owner.getByTestId('chat-settings-saved').waitFor(wait);

    await send(viewer, '일정은 https://example.com/schedule 참고하세요');
    const feedback = viewer.getByTestId('chat-feedback');
    await expect.poll(() => feedback.getAttribute('data-kind'), wait).toBe('held');
    expect(await feedback.textContent()).toContain('매니저 검토를 기다리고 있어요');
    await owner.getByTestId('chat-tab-held').click();
    const held = owner.getByTestId('held-message');
    await held.waitFor(wait);
    await shot(owner, 'chat-dashboard-held');
    await held.getByTestId('held-approve').click();
    const approved = viewer.getByTestId('chat-message').filter({ hasText: 'example.com/schedule' });
    await approved.waitFor(wait);
    expect(await approved.getByRole('link').getAttribute('rel')).toBe('noopener noreferrer nofollow');

    await owner.getByTestId('chat-tab-polls').click();
    await owner.getByLabel('Question').fill('다음 방송 게임은?');
    await owner.getByLabel('Option 1').fill('Tetris');
    await owner.getByLabel('Option 2').fill('Minecraft');
    await owner.getByTestId('poll-create').click();
    await viewer.getByTestId('poll-vote').nth(1).click();
    await expect.poll(() => viewer.getByTestId('poll-result').allTextContents(), wait).toEqual(['Tetris0%', 'Minecraft100%']);

    await owner.getByTestId('announce-input').fill('10분 뒤에 게임을 시작합니다!');
    await owner.getByTestId('announce-submit').click();
    await viewer.locator('.chat-msg--announcement').filter({ hasText: '10분 뒤에 게임을 시작합니다!' }).waitFor(wait);

    const greeting = rows(owner, '반가워요 👋');
    await greeting.hover();
    await greeting.getByTestId('message-menu').click();
    await owner.getByTestId('mod-pin').click();
    await expect.poll(() => viewer.getByTestId('chat-pinned').textContent(), wait).toContain('반가워요');
    await shot(viewer, 'channel-chat-ko');
    await expect.poll(() => owner.getByTestId('poll-item').first().textContent(), wait).toContain('100%');
    await shot(owner, 'chat-dashboard-polls');

    await owner.getByTestId('chat-tab-settings').click();
    await owner.getByLabel('Slow mode (seconds)').fill('30');
    await owner.getByTestId('chat-settings-save').click();
    await owner.getByTestId('chat-settings-saved').waitFor(wait);
    await expect.poll(() => viewer.getByTestId('chat-slow-mode').textContent(), wait).toBe('슬로우 모드 30초');
    // The link message went out less than 30 s ago: the server refuses this one and says how long to wait.
    await viewer.getByTestId('chat-input').fill('천천히');
    await viewer.getByTestId('chat-input').press('Enter');
    await expect.poll(() => feedback.getAttribute('data-kind'), wait).toBe('slow-mode');
    expect(await feedback.textContent()).toMatch(/^슬로우 모드예요\. \d+초 뒤에 다시 보낼 수 있어요\.$/);
    expect(await viewer.getByTestId('chat-input').inputValue()).toBe('천천히');
    expect(await viewer.getByTestId('chat-send').isDisabled()).toBe(true);
    await viewer.setViewportSize({ width: 760, height: 1100 });
    await viewer.evaluate(() => window.scrollTo(0, 0));
    await shot(viewer, 'channel-chat-ko-narrow');

    await owner.getByTestId('chat-tab-stats').click();
    await owner.getByTestId('chat-stats').waitFor(wait);
    await shot(owner, 'chat-dashboard-stats');
  }

  /** The socket.io events (`42/chat,[...]`) and acknowledgements (`43/chat,<id>[...]`) of the chat namespace in a payload (polling joins packets with U+001E). */
  function chatPackets(payload: string | Buffer): Array<{ kind: 'event' | 'ack'; data: unknown[] }> {
    return String(payload)
      .split('\x1e')
      .flatMap((part) => {
        const match = /^4([23])\/chat,\d*(\[[\s\S]*\])$/.exec(part);
        return match ? [{ kind: match[1] === '2' ? ('event' as const) : ('ack' as const), data: JSON.parse(match[2]!) as unknown[] }] : [];
      });
  }

  const shot = (page: Page, name: string): Promise<void> => screenshot(page, shotsDir, name);
});
