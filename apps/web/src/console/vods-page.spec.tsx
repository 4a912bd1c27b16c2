import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { makeChannel, makeVod } from '../test/fixtures';
import { LibraryBusyPollMs } from '../vods/use-vod-library';
import { FakeConsoleApi, renderConsole } from './testing';
import { VodsPage } from './vods-page';

describe(VodsPage.name, () => {
  let api: FakeConsoleApi;
  const show = makeChannel({ slug: 'show', title: 'The Show' });
  const other = makeChannel({ slug: 'other', title: 'Other channel' });

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', show);
    api.channels.set('other', other);
  });

  it('lists VODs with poster, channel, status and duration, and polls a processing one until it is ready', async () => {
    const ready = makeVod(show.id, { title: 'Ready one', durationSeconds: 125, downloadUrl: '/media/s/x/vod/a/source.mp4' });
    const encoding = makeVod(show.id, { title: 'Encoding one', status: 'processing', progressPercent: 42, etaSeconds: 80, posterUrl: null, storyboardUrl: null, durationSeconds: null });
    api.vods.set(ready.id, ready);
    api.vods.set(encoding.id, encoding);
    renderConsole('/console/vods', api);

    const readyRow = await screen.findByTestId(`vod-row-${ready.id}`);
    expect(within(readyRow).getByTestId('vod-poster').getAttribute('src')).toBe(ready.posterUrl);
    expect(within(readyRow).getByTestId('vod-status').textContent).toBe('Ready');
    // Channel names come with the managed channels, read once the console knows who is signed in.
    await waitFor(() => expect(readyRow.textContent).toContain('The Show'));
    expect(readyRow.textContent).toContain('2:05');
    expect(within(readyRow).getByTestId('vod-download').getAttribute('href')).toBe('/media/s/x/vod/a/source.mp4');
    expect(within(readyRow).getByTestId('vod-watch').getAttribute('href')).toBe(`/v/${ready.id}`);

    const encodingRow = screen.getByTestId(`vod-row-${encoding.id}`);
    expect(within(encodingRow).getByTestId('vod-status').textContent).toBe('Encoding');
    const bar = within(encodingRow).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(encodingRow.textContent).toContain('42% · about 1m 20s left');
    expect(within(encodingRow).queryByTestId('vod-download')).toBeNull();

    api.vods.set(encoding.id, { ...encoding, status: 'ready', progressPercent: 100, etaSeconds: 0, durationSeconds: 30 });
    await waitFor(() => expect(within(screen.getByTestId(`vod-row-${encoding.id}`)).getByTestId('vod-status').textContent).toBe('Ready'), {
      timeout: LibraryBusyPollMs + 2000,
    });
    expect(within(screen.getByTestId(`vod-row-${encoding.id}`)).queryByRole('progressbar')).toBeNull();
  });

  it('shows why an encode failed, in Korean too', async () => {
    const failed = makeVod(show.id, { status: 'failed', failureReason: 'recording: archive of 12.0 s does not match 30.0 s of broadcast', playbackUrl: null });
    api.vods.set(failed.id, failed);
    renderConsole('/console/vods', api, 'ko');

    const row = await screen.findByTestId(`vod-row-${failed.id}`);
    expect(within(row).getByTestId('vod-status').textContent).toBe('실패');
    expect(within(row).getByTestId('vod-failure').textContent).toBe('recording: archive of 12.0 s does not match 30.0 s of broadcast');
    expect(within(row).queryByTestId('vod-watch')).toBeNull();
  });

  it('deletes a VOD only after confirmation', async () => {
    const vod = makeVod(show.id, { title: '지난 방송' });
    api.vods.set(vod.id, vod);
    renderConsole('/console/vods', api);

    const row = await screen.findByTestId(`vod-row-${vod.id}`);
    fireEvent.click(within(row).getByTestId('vod-delete'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('Delete “지난 방송”?');
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByText('Cancel'));
    expect(api.calls).not.toContain(`deleteVod ${vod.id}`);

    fireEvent.click(within(row).getByTestId('vod-delete'));
    fireEvent.click(screen.getByTestId('confirm-yes'));

    await screen.findByTestId('vods-empty');
    expect(api.calls).toContain(`deleteVod ${vod.id}`);
    expect(api.vods.has(vod.id)).toBe(false);
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
  });

  it('renames inline and shows a refusal in the row', async () => {
    const vod = makeVod(show.id, { title: 'Old title' });
    api.vods.set(vod.id, vod);
    renderConsole('/console/vods', api);

    const row = await screen.findByTestId(`vod-row-${vod.id}`);
    fireEvent.click(within(row).getByTestId('vod-rename'));
    fireEvent.change(within(row).getByTestId('rename-input'), { target: { value: 'New title' } });
    fireEvent.click(within(row).getByTestId('rename-save'));

    await waitFor(() => expect(within(row).getByTestId('vod-title').textContent).toBe('New title'));
    expect(api.calls).toContain(`updateVod ${vod.id} New title`);

    api.updateVod = async () => {
      throw new ApiError('validation_failed', 400, 'title: too long');
    };
    fireEvent.click(within(row).getByTestId('vod-rename'));
    fireEvent.change(within(row).getByTestId('rename-input'), { target: { value: 'x' } });
    fireEvent.click(within(row).getByTestId('rename-save'));
    expect((await within(row).findByRole('alert')).textContent).toBe('title: too long');
    fireEvent.keyDown(within(row).getByTestId('rename-input'), { key: 'Escape' });
    expect(within(row).getByTestId('vod-title').textContent).toBe('New title');
  });

  it('filters by channel through the URL', async () => {
    const mine = makeVod(show.id, { title: 'On show' });
    const theirs = makeVod(other.id, { title: 'On other' });
    api.vods.set(mine.id, mine);
    api.vods.set(theirs.id, theirs);
    renderConsole('/console/vods?channel=other', api);

    await screen.findByTestId(`vod-row-${theirs.id}`);
    expect(screen.queryByTestId(`vod-row-${mine.id}`)).toBeNull();

    fireEvent.change(screen.getByLabelText('Channel'), { target: { value: '' } });
    expect(await screen.findByTestId(`vod-row-${mine.id}`)).toBeTruthy();
  });
});
