import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLlPlaylist, validateLlPlaylist, validateLlUpdate } from '@onda/media';
import { apiClient, createChannel, freePort, publish, run, text, variants, waitFor, waitLive, type Proc } from '@onda/testing';
import { startScaleOut, type Platform } from './support/platform.js';

const onda = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/onda/dist/main.js');

/**
 * Low latency in scale-out: S3 storage, a separate worker, and two API nodes sharing Redis. A viewer
 * whose blocking playlist requests alternate between the nodes must get every part in order: the
 * worker announces to one node, Redis wakes the request held on the other.
 */
describe('low-latency broadcast in scale-out with two API nodes', () => {
  let platform: Platform;
  let second: Proc;
  let secondUrl: string;

  beforeAll(async () => {
    platform = await startScaleOut();
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    second = run('api-2', 'node', [onda, 'api'], { ...platform.env, API_PORT: String(port) });
    await waitFor('the second API node', async () => (await fetch(`${secondUrl}/healthz`).catch(() => null))?.ok, 60_000, 250);
  });
  afterAll(async () => {
    await second?.stop();
    await platform?.stop();
  });

  const api = apiClient(() => platform);

  it('answers blocking requests alternating between the nodes with every part, in order', { timeout: 240_000 }, async () => {
    try {
      const slug = 'll-scale';
      const { publishUrl } = await createChannel(api, { slug, title: 'LL scale-out', latencyMode: 'low', reconnectWindowSeconds: 5 });
      const publisher = publish(publishUrl, { seconds: 35, size: '640x360' });
      const live = await waitLive(api, slug, 40_000);
      const [rung] = variants(live.playbackUrl, await text(live.playbackUrl));
      const path = new URL(rung!.uri).pathname;
      const nodes = [platform.apiUrl, secondUrl];
      await waitFor('parts', async () => parseLlPlaylist(await text(`${nodes[1]}${path}`)).openParts.length + parseLlPlaylist(await text(`${nodes[1]}${path}`)).segments.length > 0, 20_000, 250);

      // Like hls.js: after a playlist, ask for the part after its newest one; alternate nodes each time.
      let previous = await text(`${nodes[0]}${path}`);
      const waits: number[] = [];
      const seen: string[] = [];
      for (let i = 0; i < 45; i++) {
        const p = parseLlPlaylist(previous);
        const msn = p.mediaSequence + p.skipped + p.segments.length;
        const node = nodes[(i + 1) % 2]!;
        const started = Date.now();
        const res = await fetch(`${node}${path}?_HLS_msn=${msn}&_HLS_part=${p.openParts.length}${i % 3 === 2 ? '&_HLS_skip=YES' : ''}`);
        const body = await res.text();
        waits.push(Date.now() - started);
        expect(res.status, body).toBe(200);
        expect(validateLlPlaylist(body, { requireParts: true }), body).toEqual([]);
        expect(validateLlUpdate(previous, body)).toEqual([]);
        const q = parseLlPlaylist(body);
        const newest = q.openParts.at(-1) ?? q.segments.at(-1)!.parts.at(-1)!;
        seen.push(newest.uri);
        // The newest part is stored (S3) and served by either node.
        const part = await fetch(new URL(newest.uri, `${nodes[i % 2]}${path}`));
        expect(part.status).toBe(200);
        expect((await part.arrayBuffer()).byteLength).toBeGreaterThan(100);
        // A delta update is not a base for the next request's parts count; take the full playlist then.
        previous = q.skipped > 0 ? await text(`${node}${path}`) : body;
      }
      // Held about one part duration each, so parts arrived one by one; never a timeout.
      const sorted = [...waits].sort((a, b) => a - b);
      console.log(`scale-out blocking waits ms: p50 ${sorted[Math.floor(sorted.length / 2)]} max ${sorted.at(-1)}`);
      expect(new Set(seen).size).toBeGreaterThan(30);
      expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(1000);
      expect(await publisher.exited).toBe(0);
    } catch (error) {
      console.error(`platform logs:\n${platform.logs().slice(-20_000)}\n--- api-2 ---\n${second.output().slice(-5000)}`);
      throw error;
    }
  });
});
