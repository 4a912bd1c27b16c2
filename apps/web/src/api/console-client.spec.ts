import type { VodUploadTicket } from '@onda/contracts';
import { describe, expect, it } from 'vitest';
import { makeVod } from '../test/fixtures';
import { ApiError } from './client';
import { ConsoleClient } from './console-client';

/** Just enough XMLHttpRequest to see what the client sends and to answer it. */
class FakeXhr {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  withCredentials = false;
  body: unknown;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  answer(status: number, body = '') {
    this.status = status;
    this.responseText = body;
    this.onload?.();
  }
}

class TestClient extends ConsoleClient {
  readonly xhr = new FakeXhr();
  protected override createXhr(): XMLHttpRequest {
    return this.xhr as unknown as XMLHttpRequest;
  }
}

const vod = makeVod('00000000-0000-4000-8000-000000000001', { status: 'uploading' });
const ticket: VodUploadTicket = { vod, uploadUrl: `/v1/vods/${vod.id}/source`, method: 'PUT', headers: { 'content-type': 'video/mp4' }, maxBytes: 1000, expiresAt: null };

describe(ConsoleClient.name, () => {
  it('PUTs the file to the ticket URL with its headers and the session cookie, reporting progress', async () => {
    const sut = new TestClient('http://127.0.0.1:8080');
    const file = new Blob([new Uint8Array(10)], { type: 'video/mp4' });
    const progress: Array<[number, number]> = [];

    const sent = sut.uploadVodFile(ticket, file, (loaded, total) => progress.push([loaded, total]));
    sut.xhr.upload.onprogress?.({ loaded: 4, total: 10, lengthComputable: true });
    sut.xhr.answer(204);
    await sent;

    expect(sut.xhr).toMatchObject({ method: 'PUT', url: `http://127.0.0.1:8080/v1/vods/${vod.id}/source`, headers: { 'content-type': 'video/mp4' }, withCredentials: true, body: file });
    expect(progress).toEqual([[4, 10]]);
  });

  it('turns a problem+json refusal of the PUT into an ApiError with its code', async () => {
    const sut = new TestClient();
    const sent = sut.uploadVodFile({ ...ticket, uploadUrl: 'https://bucket.example.com/up?sig=1' }, new Blob(['x']), () => undefined);
    sut.xhr.answer(415, JSON.stringify({ type: 'about:blank', title: 'Unsupported Media Type', status: 415, code: 'unsupported_media_type', detail: 'not a video' }));

    await expect(sent).rejects.toEqual(new ApiError('unsupported_media_type', 415, 'not a video'));
    expect(sut.xhr.url).toBe('https://bucket.example.com/up?sig=1');
  });

  it('reports a dropped connection as a network error and aborts on the signal', async () => {
    const dropped = new TestClient();
    const sent = dropped.uploadVodFile(ticket, new Blob(['x']), () => undefined);
    dropped.xhr.onerror?.();
    await expect(sent).rejects.toMatchObject({ code: 'network', status: 0 });

    const cancelled = new TestClient();
    const controller = new AbortController();
    const aborted = cancelled.uploadVodFile(ticket, new Blob(['x']), () => undefined, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled.xhr.aborted).toBe(true);
  });

  it('asks for the owner’s VODs of one channel and the upload ticket as the API expects', async () => {
    const requests: Array<{ url: string; method: string; body: unknown }> = [];
    const sut = new ConsoleClient('', async (input, init) => {
      requests.push({ url: String(input), method: init?.method ?? 'GET', body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const body = String(input).includes('uploads') ? ticket : { items: [vod], nextCursor: null };
      return new Response(JSON.stringify(body), { status: String(input).includes('uploads') ? 201 : 200, headers: { 'content-type': 'application/json' } });
    });

    await expect(sut.listMyVods({ channel: 'show', cursor: 'abc' })).resolves.toEqual({ items: [vod], nextCursor: null });
    await expect(sut.createVodUpload({ channel: 'show', title: 't', bytes: 10, contentType: 'video/mp4', direct: false })).resolves.toEqual(ticket);

    expect(requests).toEqual([
      { url: '/v1/vods?owner=me&limit=50&channel=show&cursor=abc', method: 'GET', body: undefined },
      { url: '/v1/vods/uploads', method: 'POST', body: { channel: 'show', title: 't', bytes: 10, contentType: 'video/mp4', direct: false } },
    ]);
  });
});
