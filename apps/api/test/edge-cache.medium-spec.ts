import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { startHarness, type Harness } from './harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const hasNginx = spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0;
if (!hasNginx && process.env.ONDA_REQUIRE_DEPLOY_TOOLS) throw new Error('nginx is required (ONDA_REQUIRE_DEPLOY_TOOLS)');

const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
};

/** infra/nginx/edge-cache.conf as shipped, pointed at the test origin and a temporary cache folder. */
async function startEdge(originPort: number): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-edge-'));
  chmodSync(dir, 0o777); // nginx workers run as nobody when started as root
  const port = await freePort();
  const site = readFileSync(path.join(root, 'infra/nginx/edge-cache.conf'), 'utf8')
    .replace('/var/cache/onda-edge', `${dir}/cache`)
    .replace('server lb:8080;', `server 127.0.0.1:${originPort};`)
    .replace('listen 8090;', `listen 127.0.0.1:${port};`);
  writeFileSync(path.join(dir, 'site.conf'), site);
  writeFileSync(path.join(dir, 'nginx.conf'), [
    'daemon off;', 'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`, 'events { worker_connections 1024; }',
    `http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi; include ${dir}/site.conf; }`,
  ].join('\n'));
  const child = spawn('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${url}/`).catch(() => null)) !== null) break;
    if (i > 100) throw new Error('nginx did not start');
    await sleep(100);
  }
  return {
    url,
    async stop() {
      child.kill('SIGQUIT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An edge cache (infra/nginx/edge-cache.conf) in front of the API's media route: N viewers asking for a
 * new segment at the same moment cost the origin one read, and playlists live about a second.
 */
describe.skipIf(!hasNginx)('edge cache in front of the media origin', () => {
  const VIEWERS = 50;
  let dir: string;
  let h: Harness;
  let edge: { url: string; stop(): Promise<void> };
  const reads = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onda-edge-origin-'));
    const real = createStorage({ localDir: dir });
    // A far origin: every read takes 300 ms, so all viewers' requests arrive while the first is in flight.
    const storage = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'get') {
          return async (key: string) => {
            reads.set(key, (reads.get(key) ?? 0) + 1);
            await sleep(300);
            return target.get(key);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as ObjectStorage;
    h = await startHarness({ webhooks: { pollMs: 0 } }, undefined, storage);
    edge = await startEdge(Number(new URL(h.sut.url).port));
  });
  afterAll(async () => {
    await edge?.stop();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const everyone = (p: string) =>
    Promise.all(Array.from({ length: VIEWERS }, async () => {
      const res = await fetch(`${edge.url}${p}`);
      return { status: res.status, cache: res.headers.get('x-cache'), body: Buffer.from(await res.arrayBuffer()) };
    }));

  it(`makes one origin read per new segment for ${VIEWERS} concurrent viewers`, async () => {
    for (const n of [1, 2, 3]) {
      const key = `live/edge/720p/r0_0000${n}.ts`;
      const bytes = Buffer.alloc(188 * 100, n);
      await h.storage.put(key, bytes, { contentType: 'video/mp2t' });
      const got = await everyone(`/media/${key}`);
      expect(got.every((r) => r.status === 200 && r.body.equals(bytes))).toBe(true);
      expect(reads.get(key)).toBe(1);
      expect(got.filter((r) => r.cache === 'MISS')).toHaveLength(1);
    }
    // Immutable: later viewers are served from the edge too.
    await everyone('/media/live/edge/720p/r0_00001.ts');
    expect(reads.get('live/edge/720p/r0_00001.ts')).toBe(1);
  });

  it('keeps playlists about a second, so viewers see new segments', async () => {
    const key = 'live/edge/720p/index.m3u8';
    await h.storage.put(key, '#EXTM3U\n#EXTINF:2,\nr0_00001.ts\n', { contentType: 'application/vnd.apple.mpegurl' });
    const first = await everyone(`/media/${key}`);
    expect(first.every((r) => r.status === 200 && r.body.toString().includes('r0_00001.ts'))).toBe(true);
    expect(reads.get(key)).toBe(1);
    await h.storage.put(key, '#EXTM3U\n#EXTINF:2,\nr0_00001.ts\n#EXTINF:2,\nr0_00002.ts\n', { contentType: 'application/vnd.apple.mpegurl' });
    // The API sends `public, max-age=1`; nginx counts whole seconds, so the old copy lives 1-2 s.
    await sleep(2200);
    const next = await everyone(`/media/${key}`);
    expect(next.filter((r) => r.body.toString().includes('r0_00002.ts')).length).toBeGreaterThan(0);
    expect(reads.get(key)).toBeLessThanOrEqual(3);
  });

  it('never caches what is private (signed playback, refusals)', async () => {
    // A private object without a signature is refused by the origin; the refusal must not be cached for
    // the next viewer, who may hold a valid one (the media route sets no shared-cache headers on errors).
    const url = `${edge.url}/media/s/1.${'0'.repeat(64)}/live/edge/720p/r0_00001.ts`;
    for (const _ of [1, 2]) {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-cache')).toBe('MISS');
    }
  });
});
