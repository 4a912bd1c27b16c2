import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text, waitFor } from '@onda/testing';
import { startEmbedded, type Platform } from './support/platform.js';

const exec = promisify(execFile);

interface VodBody {
  id: string;
  origin: string;
  status: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  renditions: string[];
  failureReason: string | null;
  playbackUrl: string | null;
  posterUrl: string | null;
  downloadUrl: string | null;
}

interface Ticket {
  vod: VodBody;
  uploadUrl: string;
  method: string;
  headers: Record<string, string>;
}

/**
 * VOD uploads end to end in embedded mode (local disk, so through the API): the real worker encodes an
 * uploaded MP4 to the HLS ladder; a file that passes the API's first-bytes check but does not decode fails
 * in the worker with a plain reason.
 */
describe('VOD upload', () => {
  let platform: Platform;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onda-e2e-upload-'));
    platform = await startEmbedded();
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${platform.token}` });
  const json = async <T>(p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${platform.apiUrl}${p}`, { ...init, headers: { 'content-type': 'application/json', ...auth(), ...(init.headers ?? {}) } });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  /** fetch sends a buffer over a plain ArrayBuffer (a shared one is no request body). */
  async function upload(title: string, file: Buffer<ArrayBuffer>): Promise<{ ticket: Ticket; put: Response }> {
    const { status, body: ticket } = await json<Ticket>('/v1/vods/uploads', { method: 'POST', body: JSON.stringify({ channel: 'uploads-e2e', title, bytes: file.length }) });
    expect(status).toBe(201);
    const put = await fetch(ticket.uploadUrl, { method: ticket.method, headers: { ...ticket.headers, ...auth() }, body: file });
    return { ticket, put };
  }

  it('encodes an uploaded MP4 to a playable ladder; a broken or non-video file fails with its reason', { timeout: 300_000 }, async () => {
    try {
      expect((await json('/v1/channels', { method: 'POST', body: JSON.stringify({ slug: 'uploads-e2e', title: '업로드' }) })).status).toBe(201);
      const mp4 = path.join(dir, 'clip.mp4');
      await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', mp4]);

      const { ticket, put } = await upload('clip', await readFile(mp4));
      expect(ticket.uploadUrl).toBe(`${platform.apiUrl}/v1/vods/${ticket.vod.id}/source`);
      expect(put.status).toBe(204);
      expect((await json<VodBody>(`/v1/vods/${ticket.vod.id}/complete`, { method: 'POST' })).status).toBe(202);
      const ready = await waitFor('the upload to be encoded', async () => {
        const { body } = await json<VodBody>(`/v1/vods/${ticket.vod.id}`);
        if (body.status === 'failed') throw new Error(`failed: ${body.failureReason}`);
        return body.status === 'ready' ? body : null;
      }, 180_000, 500);
      expect(ready).toMatchObject({ origin: 'upload', width: 640, height: 360, renditions: ['360p'] });
      expect(ready.durationSeconds).toBeGreaterThan(3.5);
      expect(await text(ready.playbackUrl!)).toContain('360p/index.m3u8');
      expect((await fetch(ready.posterUrl!)).status).toBe(200);
      const download = await fetch(ready.downloadUrl!);
      expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="clip"/);
      expect(Buffer.from(await download.arrayBuffer()).equals(await readFile(mp4))).toBe(true);

      // MP4 by its first bytes, garbage after: the API lets it through, ffprobe in the worker does not.
      const broken = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2', 'latin1'), Buffer.from('not really a movie\n'.repeat(500))]);
      const second = await upload('broken.mp4', broken);
      expect(second.put.status).toBe(204);
      expect((await json(`/v1/vods/${second.ticket.vod.id}/complete`, { method: 'POST' })).status).toBe(202);
      const failed = await waitFor('the broken upload to fail', async () => {
        const { body } = await json<VodBody>(`/v1/vods/${second.ticket.vod.id}`);
        return body.status === 'failed' ? body : null;
      }, 120_000, 500);
      expect(failed.failureReason).toBe('the file is not a video ffmpeg can read');

      // A text file renamed .mp4 never gets that far.
      const third = await upload('notes.mp4', Buffer.from('just some text, not a video\n'.repeat(100)));
      expect(third.put.status).toBe(415);
      expect(((await third.put.json()) as { detail: string }).detail).toBe('This looks like a text file, not a video');
    } catch (err) {
      console.error(platform.logs().slice(-20_000));
      throw err;
    }
  });
});
