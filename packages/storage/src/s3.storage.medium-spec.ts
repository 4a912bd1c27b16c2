import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../../../infra/s3rver/s3rver.mjs';
import { S3Storage, type S3StorageConfig } from './s3.storage.js';
import { describeStorageContract } from './storage.contract.js';

const BUCKET = 'onda-test';

describe(S3Storage.name, () => {
  let server: RunningS3rver;
  let dataDir: string;
  const config = (): S3StorageConfig => ({
    endpoint: server.endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    ...S3RVER_CREDENTIALS,
    forcePathStyle: true,
    // Small pages so the contract's listing tests cross ListObjectsV2 continuation tokens.
    listPageSize: 7,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'onda-s3rver-'));
    server = await startS3rver({ port: 0, directory: dataDir, bucket: BUCKET });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describeStorageContract(async () => {
    const sut = new S3Storage(config());
    await sut.ensureBucket();
    return sut;
  });

  describe('S3 specifics', () => {
    let sut: S3Storage;
    beforeAll(() => {
      sut = new S3Storage(config());
    });
    afterAll(async () => {
      await sut.close();
    });

    it('presigns a GET URL that serves the object', async () => {
      const body = Buffer.from([0x47, 0x00, 0xff, 0x10, 0x47]);
      await sut.put('presign/seg.ts', body, { cacheControl: 'public, max-age=31536000, immutable' });
      const url = await sut.presignGet('presign/seg.ts', { expiresInSeconds: 60 });
      expect(url).toContain('X-Amz-Expires=60');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp2t');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    });

    it('presigns a PUT that signs its Content-Type and expiry, then a GET that serves what was put', async () => {
      const url = await sut.presignPut('presign/upload', { contentType: 'video/webm', expiresInSeconds: 900 });
      const query = new URL(url).searchParams;
      expect(query.get('X-Amz-Expires')).toBe('900');
      expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-type', 'host']));
      // WHEN_REQUIRED: no checksum of an empty body baked into the URL (it would not match the upload).
      expect([...query.keys()].some((k) => k.toLowerCase().includes('checksum'))).toBe(false);
      const body = Buffer.from('\x1a\x45\xdf\xa3 webm bytes');
      expect((await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'video/webm' } })).status).toBe(200);
      const res = await fetch(await sut.presignGet('presign/upload', { expiresInSeconds: 60 }));
      expect(res.headers.get('content-type')).toBe('video/webm');
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    });

    it('ensureBucket creates a missing bucket and is idempotent', async () => {
      const other = new S3Storage({ ...config(), bucket: 'onda-test-created' });
      try {
        await expect(other.put('a.txt', 'x')).rejects.toThrow();
        await other.ensureBucket();
        await other.ensureBucket();
        await other.put('a.txt', 'x');
        expect((await other.head('a.txt'))?.size).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('answers browsers with permissive CORS for GET', async () => {
      await sut.put('cors/master.m3u8', '#EXTM3U\n');
      const res = await fetch(`${server.endpoint}/${BUCKET}/cors/master.m3u8`, { headers: { Origin: 'http://player.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });
  });
});
