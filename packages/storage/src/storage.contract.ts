// The behaviour every ObjectStorage driver must share, run by each driver's own spec file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError } from './keys.js';
import type { ObjectInfo, ObjectStorage } from './storage.js';

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Registers the shared storage tests; `create` gives a fresh, empty store (the suite closes it). */
export function describeStorageContract(create: () => Promise<ObjectStorage>): void {
  describe('ObjectStorage contract', () => {
    let sut: ObjectStorage;
    let scratch: string;

    beforeAll(async () => {
      sut = await create();
      scratch = await mkdtemp(join(tmpdir(), 'onda-storage-contract-'));
    });

    afterAll(async () => {
      await sut?.close();
      await rm(scratch, { recursive: true, force: true });
    });

    it('round-trips binary data byte for byte', async () => {
      const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(64 * 1024)]);
      await sut.put('rt/binary.bin', data);
      const got = await sut.get('rt/binary.bin');
      expect(got).not.toBeNull();
      expect(got!.size).toBe(data.length);
      expect((await readAll(got!.body)).equals(data)).toBe(true);
    });

    it('stores strings as UTF-8 and Uint8Array bodies as given', async () => {
      await sut.put('rt/text.m3u8', '#EXTM3U\n# é\n');
      await sut.put('rt/u8.bin', new Uint8Array([0, 1, 2, 255]));
      expect((await readAll((await sut.get('rt/text.m3u8'))!.body)).toString('utf8')).toBe('#EXTM3U\n# é\n');
      expect([...(await readAll((await sut.get('rt/u8.bin'))!.body))]).toEqual([0, 1, 2, 255]);
    });

    it('uploads a 20 MiB file with putFile (multipart on S3) intact', async () => {
      const data = randomBytes(20 * 1024 * 1024);
      const file = join(scratch, 'archive.mp4');
      await writeFile(file, data);
      await sut.putFile('vod/archive.mp4', file);
      const info = await sut.head('vod/archive.mp4');
      expect(info?.size).toBe(data.length);
      expect(info?.contentType).toBe('video/mp4');
      expect(sha256(await readAll((await sut.get('vod/archive.mp4'))!.body))).toBe(sha256(data));
    }, 60_000);

    it('streams 20 MiB of unknown length with putStream (multipart on S3) intact', async () => {
      const parts = Array.from({ length: 20 }, () => randomBytes(1024 * 1024));
      // Uneven chunks, as a socket delivers them.
      async function* chunks(): AsyncGenerator<Buffer> {
        for (const part of parts) {
          yield part.subarray(0, 1000);
          yield part.subarray(1000);
        }
      }
      await sut.putStream('vod/stream/upload', Readable.from(chunks()), { contentType: 'video/mp4' });
      const info = await sut.head('vod/stream/upload');
      expect(info).toMatchObject({ size: 20 * 1024 * 1024, contentType: 'video/mp4' });
      expect(sha256(await readAll((await sut.get('vod/stream/upload'))!.body))).toBe(sha256(Buffer.concat(parts)));
    }, 60_000);

    it('putStream leaves no object (and an older one untouched) when the stream fails', async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield randomBytes(64 * 1024);
        throw new Error('client went away');
      }
      await expect(sut.putStream('vod/broken/upload', Readable.from(failing()))).rejects.toThrow(/client went away/);
      expect(await sut.head('vod/broken/upload')).toBeNull();
      expect(await collect(sut.list('vod/broken/'))).toEqual([]);

      await sut.put('vod/broken/kept.mp4', 'old');
      await expect(sut.putStream('vod/broken/kept.mp4', Readable.from(failing()))).rejects.toThrow(/client went away/);
      expect((await readAll((await sut.get('vod/broken/kept.mp4'))!.body)).toString()).toBe('old');
    });

    it('presigns a PUT and a download GET that work, or answers null where it cannot (local disk)', async () => {
      const put = await sut.presignPut('up/clip/upload', { contentType: 'video/mp4', expiresInSeconds: 300 });
      const get = await sut.presignGet('up/clip/upload', { expiresInSeconds: 300, downloadName: '아침 방송 "1".mp4' });
      if (sut.driver === 'local') {
        expect(put).toBeNull();
        expect(get).toBeNull();
        return;
      }
      const data = randomBytes(256 * 1024);
      const res = await fetch(put!, { method: 'PUT', body: data, headers: { 'Content-Type': 'video/mp4' } });
      expect(res.status).toBe(200);
      expect(await sut.head('up/clip/upload')).toMatchObject({ size: data.length, contentType: 'video/mp4' });
      const down = await fetch(get!);
      expect(down.status).toBe(200);
      expect(down.headers.get('content-disposition')).toBe(`attachment; filename="__ __ 1.mp4"; filename*=UTF-8''%EC%95%84%EC%B9%A8%20%EB%B0%A9%EC%86%A1%201.mp4`);
      expect(Buffer.from(await down.arrayBuffer()).equals(data)).toBe(true);
    });

    it('putFile rejects a missing source file', async () => {
      await expect(sut.putFile('vod/missing.mp4', join(scratch, 'nope.mp4'))).rejects.toThrow(/ENOENT|no such file/);
    });

    it('derives content types from the extension', async () => {
      const cases: Record<string, string> = {
        'ct/master.m3u8': 'application/vnd.apple.mpegurl',
        'ct/seg.ts': 'video/mp2t',
        'ct/seg.m4s': 'video/iso.segment',
        'ct/poster.jpg': 'image/jpeg',
        'ct/subs.vtt': 'text/vtt',
        'ct/meta.json': 'application/json',
        'ct/blob.bin': 'application/octet-stream',
      };
      for (const key of Object.keys(cases)) await sut.put(key, 'x');
      for (const [key, type] of Object.entries(cases)) expect((await sut.head(key))?.contentType, key).toBe(type);
    });

    it('preserves explicit content type and cache control on head and get, and replaces them on rewrite', async () => {
      await sut.put('cc/live.m3u8', '#EXTM3U\n', { contentType: 'application/x-mpegurl', cacheControl: 'max-age=1' });
      const head = await sut.head('cc/live.m3u8');
      expect(head).toMatchObject({ key: 'cc/live.m3u8', size: 8, contentType: 'application/x-mpegurl', cacheControl: 'max-age=1' });
      expect(head!.lastModified).toBeInstanceOf(Date);
      const got = await sut.get('cc/live.m3u8');
      expect(got).toMatchObject({ contentType: 'application/x-mpegurl', cacheControl: 'max-age=1' });
      got!.body.resume();

      await sut.put('cc/live.m3u8', '#EXTM3U\n#EXT-X-ENDLIST\n', { cacheControl: 'public, max-age=31536000, immutable' });
      expect(await sut.head('cc/live.m3u8')).toMatchObject({
        size: 23,
        contentType: 'application/vnd.apple.mpegurl',
        cacheControl: 'public, max-age=31536000, immutable',
      });
      await sut.put('cc/live.m3u8', '#EXTM3U\n');
      expect((await sut.head('cc/live.m3u8'))?.cacheControl).toBeUndefined();
    });

    it('returns null for missing keys', async () => {
      expect(await sut.get('missing/nothing.ts')).toBeNull();
      expect(await sut.head('missing/nothing.ts')).toBeNull();
    });

    it('lists recursively by prefix, in key order', async () => {
      const keys = ['ls/a/1.ts', 'ls/a/2.ts', 'ls/a/deep/3.ts', 'ls/ab.txt', 'ls/b/1.ts', 'lsx/1.ts'];
      for (const key of [...keys].reverse()) await sut.put(key, key);
      const keysOf = async (prefix: string) => (await collect(sut.list(prefix))).map((o) => o.key);
      expect(await keysOf('ls/a/')).toEqual(['ls/a/1.ts', 'ls/a/2.ts', 'ls/a/deep/3.ts']);
      expect(await keysOf('ls/a')).toEqual(['ls/a/1.ts', 'ls/a/2.ts', 'ls/a/deep/3.ts', 'ls/ab.txt']);
      expect(await keysOf('ls/')).toEqual(keys.slice(0, 5));
      expect(await keysOf('ls/b/1')).toEqual(['ls/b/1.ts']);
      expect(await keysOf('nothing-here/')).toEqual([]);
      const all = await keysOf('');
      expect(all).toEqual(expect.arrayContaining(keys));
      const [first] = await collect(sut.list('ls/a/1.ts'));
      expect(first).toMatchObject({ key: 'ls/a/1.ts', size: 9 });
      expect(first!.lastModified).toBeInstanceOf(Date);
    });

    it('lists past one page (drivers are created with a small page size where they have one)', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `page/seg_${String(i).padStart(3, '0')}.ts`);
      await Promise.all(keys.map((key) => sut.put(key, 'x')));
      expect((await collect(sut.list('page/'))).map((o) => o.key)).toEqual(keys);
    });

    it('deletes one key, and deleting a missing key is not an error', async () => {
      await sut.put('del/one.ts', 'x');
      await sut.put('del/two.ts', 'y');
      await sut.delete('del/one.ts');
      await sut.delete('del/never-existed.ts');
      expect(await sut.head('del/one.ts')).toBeNull();
      expect(await sut.get('del/one.ts')).toBeNull();
      expect(await sut.head('del/two.ts')).not.toBeNull();
    });

    it('deletes everything under a prefix and nothing else', async () => {
      const doomed = Array.from({ length: 12 }, (_, i) => `dp/session/${i % 3}p/seg_${i}.ts`);
      for (const key of doomed) await sut.put(key, 'x');
      await sut.put('dp/sessionx/keep.ts', 'x');
      await sut.put('dp/keep.m3u8', 'x');
      expect(await sut.deletePrefix('dp/session/')).toBe(12);
      expect(await collect(sut.list('dp/session/'))).toEqual([]);
      expect((await collect(sut.list('dp/'))).map((o) => o.key)).toEqual(['dp/keep.m3u8', 'dp/sessionx/keep.ts']);
      expect(await sut.deletePrefix('dp/session/')).toBe(0);
      // The folder is gone, so the same keys can be written again.
      await sut.put('dp/session/0p/seg_0.ts', 'again');
      expect((await sut.head('dp/session/0p/seg_0.ts'))?.size).toBe(5);
    });

    it('rejects unsafe keys and prefixes with InvalidKeyError', async () => {
      const bad = ['', '/abs/key.ts', '../escape.ts', 'a/../../b.ts', 'a//b.ts', 'a/./b.ts', 'a/.hidden', 'trailing/', 'back\\slash'];
      for (const key of bad) {
        await expect(sut.put(key, 'x'), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(sut.get(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(sut.head(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(sut.delete(key), key).rejects.toBeInstanceOf(InvalidKeyError);
      }
      await expect(sut.put('../x', 'x')).rejects.toThrow(/invalid storage key "\.\.\/x"/);
      await expect(collect(sut.list('/abs/'))).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(sut.deletePrefix('../')).rejects.toBeInstanceOf(InvalidKeyError);
    });
  });
}
