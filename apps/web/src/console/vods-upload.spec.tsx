import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { makeChannel } from '../test/fixtures';
import { FakeConsoleApi, renderConsole } from './testing';
import { VodUploadForm } from './vods-upload';

function video(name = 'trip_2026.mp4', type = 'video/mp4', bytes = 4096): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

describe(VodUploadForm.name, () => {
  let api: FakeConsoleApi;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
  });

  async function openForm(language: 'en' | 'ko' = 'en') {
    renderConsole('/console/vods', api, language);
    fireEvent.click(await screen.findByTestId('open-upload'));
    // The form may render a tick after the click (lazy pieces under a loaded machine): wait for it.
    return screen.findByTestId('upload-form');
  }

  it('uploads in three steps, titles the video after its file, and lists it as encoding', async () => {
    const form = await openForm();
    fireEvent.change(within(form).getByTestId('upload-file'), { target: { files: [video()] } });
    expect((within(form).getByLabelText('Title') as HTMLInputElement).value).toBe('trip 2026');
    fireEvent.click(within(form).getByTestId('upload-submit'));

    expect((await screen.findByTestId('upload-done')).textContent).toContain('“trip 2026” is uploaded');
    expect(api.calls.filter((call) => /VodUpload|uploadVodFile/.test(call))).toEqual([
      'createVodUpload {"channel":"show","title":"trip 2026","bytes":4096,"contentType":"video/mp4","direct":false}',
      expect.stringMatching(/^uploadVodFile \S+ 4096$/),
      expect.stringMatching(/^completeVodUpload \S+$/),
    ]);
    const [vod] = [...api.vods.values()];
    const row = await screen.findByTestId(`vod-row-${vod!.id}`);
    expect(within(row).getByTestId('vod-status').textContent).toBe('Encoding');
    expect(screen.queryByTestId('upload-form')).toBeNull();
  });

  it('refuses an obvious non-video before sending anything', async () => {
    const form = await openForm();
    fireEvent.change(within(form).getByTestId('upload-file'), { target: { files: [video('photo.jpg', 'image/jpeg')] } });
    expect(within(form).getByTestId('form-error').textContent).toBe('This file is not a video. Choose a video file (MP4, MOV, MKV, WebM…).');

    fireEvent.click(within(form).getByTestId('upload-submit'));
    expect(within(form).getByTestId('form-error').textContent).toContain('not a video');
    expect(api.calls.some((call) => call.startsWith('createVodUpload'))).toBe(false);
  });

  it('explains the server refusing the file as not a video (415 on complete), in Korean', async () => {
    api.uploadFailures.complete = new ApiError('unsupported_media_type', 415, 'The file is not a video ffprobe can read');
    const form = await openForm('ko');
    fireEvent.change(within(form).getByTestId('upload-file'), { target: { files: [video('fake.mp4')] } });
    fireEvent.click(within(form).getByTestId('upload-submit'));

    expect((await within(form).findByTestId('form-error')).textContent).toBe('영상 파일이 아니에요. MP4, MOV, MKV, WebM 같은 영상 파일을 고르세요.');
    expect(screen.queryByTestId('upload-done')).toBeNull();
    expect(within(form).queryByTestId('upload-progress')).toBeNull();
    // The refused upload's VOD is deleted again: no stray row.
    expect(api.calls.filter((call) => call.startsWith('deleteVod'))).toHaveLength(1);
    expect(api.vods.size).toBe(0);
  });

  it('explains a file over the size limit (413 when asking for the ticket)', async () => {
    api.uploadFailures.create = new ApiError('payload_too_large', 413, 'The file is larger than 2147483648 bytes');
    const form = await openForm();
    fireEvent.change(within(form).getByTestId('upload-file'), { target: { files: [video('huge.mov', 'video/quicktime')] } });
    fireEvent.click(within(form).getByTestId('upload-submit'));

    expect((await within(form).findByTestId('form-error')).textContent).toBe('This file is larger than the server accepts.');
    expect(api.calls.some((call) => call.startsWith('uploadVodFile'))).toBe(false);
  });

  it('names the limit when the PUT itself is refused as too large, and reports a dropped connection', async () => {
    api.uploadFailures.put = new ApiError('payload_too_large', 413, 'too large');
    const form = await openForm();
    fireEvent.change(within(form).getByTestId('upload-file'), { target: { files: [video()] } });
    fireEvent.click(within(form).getByTestId('upload-submit'));
    expect((await within(form).findByTestId('form-error')).textContent).toBe('This file is too large. Videos can be up to 1.07 GB.');

    api.uploadFailures.put = new ApiError('network', 0, 'the upload connection failed');
    fireEvent.click(within(form).getByTestId('upload-submit'));
    expect((await within(form).findByText('The upload was interrupted. Check your connection and try again.')).getAttribute('role')).toBe('alert');
  });
});
