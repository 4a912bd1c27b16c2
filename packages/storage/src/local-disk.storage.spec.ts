import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStorage } from './create-storage.js';
import { LocalDiskStorage } from './local-disk.storage.js';
import { S3Storage } from './s3.storage.js';
import { describeStorageContract, readAll } from './storage.contract.js';

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onda-local-storage-'));
  roots.push(dir);
  return dir;
}

describe(LocalDiskStorage.name, () => {
  describeStorageContract(async () => new LocalDiskStorage(await tempRoot()));

  describe('on disk', () => {
    let root: string;
    let sut: LocalDiskStorage;

    beforeEach(async () => {
      root = await tempRoot();
      sut = new LocalDiskStorage(root);
    });

    afterEach(async () => {
      await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('maps keys to files under the root and keeps metadata out of listings', async () => {
      await sut.put('live/abc/720p/index.m3u8', '#EXTM3U\n', { cacheControl: 'max-age=1' });
      expect(sut.pathFor('live/abc/720p/index.m3u8')).toBe(join(root, 'live', 'abc', '720p', 'index.m3u8'));
      expect(await readdir(join(root, 'live', 'abc', '720p'))).toEqual(['index.m3u8']);
      const keys: string[] = [];
      for await (const object of sut.list('')) keys.push(object.key);
      expect(keys).toEqual(['live/abc/720p/index.m3u8']);
    });

    it('never lets a reader see a half-written playlist while it is rewritten', async () => {
      const versions = Array.from({ length: 40 }, (_, i) => `#EXTM3U\n${`#EXTINF:2.0,\nseg_${i}.ts\n`.repeat(2000)}`);
      await sut.put('live/p.m3u8', versions[0]!);
      let writing = true;
      const writer = (async () => {
        for (const version of versions) await sut.put('live/p.m3u8', version);
        writing = false;
      })();
      const seen = new Set<string>();
      let reads = 0;
      while (writing) {
        const got = await sut.get('live/p.m3u8');
        const text = (await readAll(got!.body)).toString();
        expect(versions).toContain(text);
        seen.add(text);
        reads += 1;
      }
      await writer;
      expect(reads).toBeGreaterThan(5);
      expect(seen.size).toBeGreaterThan(1);
    });

    it('prunes folders emptied by deletes', async () => {
      await sut.put('vod/x/1080p/seg_1.ts', 'x');
      await sut.put('vod/y/poster.jpg', 'x');
      await sut.deletePrefix('vod/x/');
      expect(await readdir(join(root, 'vod'))).toEqual(['y']);
    });
  });
});

describe(createStorage.name, () => {
  it('chooses S3 when an S3 config is given and the local folder otherwise', async () => {
    const s3 = createStorage({
      s3: { region: 'us-east-1', bucket: 'onda-test', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, endpoint: 'http://127.0.0.1:1' },
      localDir: '/tmp/unused',
    });
    const local = createStorage({ s3: null, localDir: '/tmp/onda-data' });
    expect(s3).toBeInstanceOf(S3Storage);
    expect(local).toBeInstanceOf(LocalDiskStorage);
    expect((local as LocalDiskStorage).rootDir).toBe('/tmp/onda-data');
    await s3.close();
    expect(() => createStorage({})).toThrow(/either an S3 config/);
  });
});
