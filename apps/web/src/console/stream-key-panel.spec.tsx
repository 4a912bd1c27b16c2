import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeChannel } from '../test/fixtures';
import { StreamKeyPanel } from './stream-key-panel';
import { FakeConsoleApi, renderConsole } from './testing';

describe(StreamKeyPanel.name, () => {
  let api: FakeConsoleApi;
  let clipboard: string[];

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
    clipboard = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void clipboard.push(text) } });
  });
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('masks the key until revealed, and shows the OBS server URL', async () => {
    renderConsole('/console/channels/show', api);
    const key = (await api.getStreamKey('show')).streamKey!;

    const shown = await screen.findByTestId('stream-key');
    expect(shown.textContent).not.toContain(key);
    expect(shown.getAttribute('data-masked')).toBe('true');
    expect(screen.getByTestId('rtmp-url').textContent).toBe('rtmp://127.0.0.1:1935/live');
    expect(screen.getByText(/Server: paste rtmp:\/\/127\.0\.0\.1:1935\/live/)).toBeTruthy();

    fireEvent.click(screen.getByTestId('reveal-key'));
    expect(screen.getByTestId('stream-key').textContent).toBe(key);
    fireEvent.click(screen.getByTestId('reveal-key'));
    expect(screen.getByTestId('stream-key').textContent).not.toContain(key);
  });

  it('copies the real key (not the mask) and says so', async () => {
    renderConsole('/console/channels/show', api, 'ko');
    const key = (await api.getStreamKey('show')).streamKey!;

    const copy = await screen.findByTestId('copy-key');
    await act(async () => {
      fireEvent.click(copy);
    });

    expect(clipboard).toEqual([key]);
    expect(copy.getAttribute('data-state')).toBe('copied');
    expect(copy.textContent).toBe('복사했어요!');
  });

  it('reports a failed copy instead of pretending', async () => {
    Reflect.deleteProperty(navigator, 'clipboard');
    renderConsole('/console/channels/show', api);

    const copy = await screen.findByTestId('copy-key');
    await act(async () => {
      fireEvent.click(copy);
    });

    expect(copy.getAttribute('data-state')).toBe('failed');
  });

  it('rotates only after confirmation and then shows the new key', async () => {
    renderConsole('/console/channels/show', api);
    const before = (await api.getStreamKey('show')).streamKey!;
    await screen.findByTestId('stream-key');

    fireEvent.click(screen.getByTestId('rotate-key'));
    const dialog = screen.getByTestId('confirm-dialog');
    fireEvent.click(within(dialog).getByText('Cancel'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(api.calls).not.toContain('rotate show');

    fireEvent.click(screen.getByTestId('rotate-key'));
    fireEvent.click(screen.getByTestId('confirm-yes'));

    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(api.calls).toContain('rotate show');
    fireEvent.click(screen.getByTestId('reveal-key'));
    const after = screen.getByTestId('stream-key').textContent;
    expect(after).toBe(api.keys.get('show')!.streamKey);
    expect(after).not.toBe(before);
  });

  it('revokes only after confirmation, then shows that no key works', async () => {
    renderConsole('/console/channels/show', api);
    await screen.findByTestId('stream-key');

    fireEvent.click(screen.getByTestId('revoke-key'));
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByText('Cancel'));
    expect(api.calls).not.toContain('revoke show');
    expect(screen.getByTestId('stream-key')).toBeTruthy();

    fireEvent.click(screen.getByTestId('revoke-key'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Revoke the stream key?');
    fireEvent.click(screen.getByTestId('confirm-yes'));

    expect(await screen.findByTestId('key-revoked')).toBeTruthy();
    expect(api.calls).toContain('revoke show');
    expect(api.keys.get('show')!.streamKey).toBeNull();
    expect(screen.queryByTestId('copy-key')).toBeNull();
    expect(screen.queryByTestId('revoke-key')).toBeNull();
  });
});
