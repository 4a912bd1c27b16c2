import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffMedia } from './media-sniff.js';

const exec = promisify(execFile);

describe(sniffMedia.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onda-sniff-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The first SNIFF_BYTES of a one-second clip ffmpeg writes in `format`. */
  async function head(name: string, args: string[]): Promise<Buffer> {
    const file = join(dir, name);
    await exec('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10:duration=1', ...args, file]);
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  it('recognises the video containers ffmpeg writes', { timeout: 60_000 }, async () => {
    const cases: Array<[string, string[], string, string]> = [
      ['a.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast'], 'mp4', 'video/mp4'],
      ['a.mov', ['-c:v', 'libx264', '-preset', 'ultrafast'], 'mov', 'video/quicktime'],
      ['a.m4v', ['-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'ipod'], 'm4v', 'video/x-m4v'],
      ['a.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast'], 'mkv', 'video/x-matroska'],
      ['a.webm', ['-c:v', 'libvpx', '-deadline', 'realtime'], 'webm', 'video/webm'],
      ['a.flv', ['-c:v', 'flv'], 'flv', 'video/x-flv'],
      ['a.ts', ['-c:v', 'mpeg2video'], 'ts', 'video/mp2t'],
      ['a.avi', ['-c:v', 'mpeg4'], 'avi', 'video/x-msvideo'],
      ['a.mpg', ['-c:v', 'mpeg2video', '-f', 'vob'], 'mpeg', 'video/mpeg'],
      ['a.wmv', ['-c:v', 'wmv2'], 'asf', 'video/x-ms-asf'],
    ];
    for (const [name, args, container, contentType] of cases) {
      expect(sniffMedia(await head(name, args)), name).toEqual({ video: true, container, contentType });
    }
  });

  it('names common non-video files in its refusal', async () => {
    const png = await head('a.png', ['-frames:v', '1']);
    expect(sniffMedia(png)).toEqual({ video: false, empty: false, detail: 'this looks like a PNG image, not a video' });
    expect(sniffMedia(await head('a.jpg', ['-frames:v', '1']))).toMatchObject({ detail: 'this looks like a JPEG image, not a video' });
    expect(sniffMedia(await head('a.gif', ['-frames:v', '1']))).toMatchObject({ detail: 'this looks like a GIF image, not a video' });
    expect(sniffMedia(Buffer.from('just some text, not a video\n'))).toMatchObject({ video: false, detail: 'this looks like a text file, not a video' });
    expect(sniffMedia(Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n'))).toMatchObject({ detail: 'this looks like an HLS playlist (upload the video file itself), not a video' });
    expect(sniffMedia(Buffer.from('%PDF-1.7\n%\xe2\xe3'))).toMatchObject({ detail: 'this looks like a PDF document, not a video' });
    expect(sniffMedia(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toMatchObject({ detail: 'this looks like a WAV audio file, not a video' });
    expect(sniffMedia(Buffer.from('\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00', 'latin1'))).toMatchObject({ detail: 'this looks like an M4A audio file, not a video' });
    expect(sniffMedia(Buffer.from('\x00\x00\x00\x1cftypheic\x00\x00\x00\x00', 'latin1'))).toMatchObject({ detail: 'this looks like a HEIC image, not a video' });
    expect(sniffMedia(Buffer.from('BMW owners club\n'))).toMatchObject({ detail: 'this looks like a text file, not a video' });
    expect(sniffMedia(Buffer.from([0x00, 0x13, 0x99, 0xfe, 0x01]))).toMatchObject({ detail: expect.stringMatching(/unknown type/) });
    expect(sniffMedia(Buffer.alloc(0))).toEqual({ video: false, empty: true, detail: 'the file is empty' });
  });

  it('wants more than one lone 0x47 before calling bytes MPEG-TS', () => {
    expect(sniffMedia(Buffer.from('G is for grape')).video).toBe(false);
    const ts = Buffer.alloc(188 * 3);
    for (let i = 0; i < 3; i++) ts[i * 188] = 0x47;
    expect(sniffMedia(ts)).toMatchObject({ video: true, container: 'ts' });
    ts[376] = 0;
    expect(sniffMedia(ts).video).toBe(false);
  });
});
