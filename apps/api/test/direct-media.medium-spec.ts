import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../../../infra/s3rver/s3rver.mjs';
import { createChannel, goLiveInternally } from '@onda/testing';
import { createAdminWithToken } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const BUCKET = 'onda-direct';

/**
 * MEDIA_PUBLIC_URL set (the bucket here; a CDN in production): public channels play straight from it,
 * and private channels through the API's signed route, which serves only the playlists and signs every
 * object in them, so segments go from storage to the viewer without passing through the API.
 */
describe('direct media delivery with private channels', () => {
  let s3: RunningS3rver;
  let dir: string;
  let h: Harness;
  let token: string;
  const gets: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onda-direct-'));
    s3 = await startS3rver({ port: 0, directory: dir, bucket: BUCKET });
    const real = createStorage({ s3: { endpoint: s3.endpoint, region: 'us-east-1', bucket: BUCKET, ...S3RVER_CREDENTIALS, forcePathStyle: true } });
    // Every object the API reads from storage, to show segments never do.
    const storage = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'get') return (key: string) => (gets.push(key), target.get(key));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as ObjectStorage;
    h = await startHarness({ webhooks: { pollMs: 0 }, mediaPublicUrl: `${s3.endpoint}/${BUCKET}` }, undefined, storage);
    token = (await createAdminWithToken(h.db.prisma, 'direct@example.com')).token;
  });
  afterAll(async () => {
    await h?.close();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const goLive = async (slug: string, visibility: string): Promise<string> => {
    const { streamKey } = await createChannel(h.api(token), { slug, title: slug, visibility });
    const sessionId = await goLiveInternally(h.internal, streamKey);
    await h.storage.put(`live/${sessionId}/master.m3u8`, '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\n720p/index.m3u8\n', { contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=1' });
    await h.storage.put(`live/${sessionId}/720p/index.m3u8`, '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\nr0_00000.ts\n#EXTINF:2.000,\nr0_00001.ts\n', { contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=1' });
    for (const n of [0, 1]) await h.storage.put(`live/${sessionId}/720p/r0_0000${n}.ts`, Buffer.from([0x47, n, 2, 3]), { contentType: 'video/mp2t', cacheControl: 'public, max-age=31536000, immutable' });
    return sessionId;
  };

  it('plays a public channel straight from the media URL, with the cache headers the worker stored', async () => {
    const id = await goLive('open-direct', 'public');
    const { hlsUrl } = (await request(h.sut.url).get('/v1/channels/open-direct/playback').expect(200)).body;
    expect(hlsUrl).toBe(`${s3.endpoint}/${BUCKET}/live/${id}/master.m3u8`);
    const segment = await fetch(`${s3.endpoint}/${BUCKET}/live/${id}/720p/r0_00001.ts`);
    expect(segment.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const playlist = await fetch(`${s3.endpoint}/${BUCKET}/live/${id}/720p/index.m3u8`);
    expect(playlist.headers.get('cache-control')).toBe('public, max-age=1');
  });

  it('serves a private channel’s playlists from the API with every segment signed for storage', async () => {
    const id = await goLive('secret-direct', 'private');
    const { hlsUrl } = (await request(h.sut.url).get('/v1/channels/secret-direct/playback').set(auth(token)).expect(200)).body;
    // The signed URL is the API's (it checks the signature), not the bucket's.
    const base = new RegExp(`^http://onda\\.test(/media/s/\\d+\\.[0-9a-f]{64}/live/${id})/master\\.m3u8$`).exec(hlsUrl);
    expect(base, hlsUrl).not.toBeNull();
    gets.length = 0;

    const master = await request(h.sut.url).get(`${base![1]}/master.m3u8`).expect(200);
    expect(master.text).toContain('\n720p/index.m3u8\n');
    expect(master.headers['cache-control']).toBe('private, max-age=1');
    const media = await request(h.sut.url).get(`${base![1]}/720p/index.m3u8`).expect(200);
    expect(media.headers['content-type']).toMatch(/^application\/vnd\.apple\.mpegurl/);
    const urls = media.text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(urls).toHaveLength(2);
    for (const [n, url] of urls.entries()) {
      expect(url.startsWith(`${s3.endpoint}/${BUCKET}/live/${id}/720p/r0_0000${n}.ts?`)).toBe(true);
      expect(url).toContain('X-Amz-Signature=');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0x47, n, 2, 3]);
    }
    // Every viewer gets the same URL per object (shared caches see one object, the API signs it once).
    const again = await request(h.sut.url).get(`${base![1]}/720p/index.m3u8`).expect(200);
    expect(again.text).toBe(media.text);
    // A segment asked of the API (a relative URL resolved by an old playlist) is a redirect, not bytes.
    const redirect = await request(h.sut.url).get(`${base![1]}/720p/r0_00001.ts`).redirects(0).expect(302);
    expect(redirect.headers.location).toBe(urls[1]);
    // The API read only the playlists (and the low-latency model it looks for), never a segment.
    expect(gets.filter((k) => !k.endsWith('.m3u8') && !k.endsWith('/ll.json'))).toEqual([]);
    expect(gets.length).toBeGreaterThanOrEqual(3);

    await request(h.sut.url).get(`/media/live/${id}/720p/index.m3u8`).expect(403);
    await request(h.sut.url).get(`/media/s/1.${'0'.repeat(64)}/live/${id}/720p/index.m3u8`).expect(403);
  });
});
