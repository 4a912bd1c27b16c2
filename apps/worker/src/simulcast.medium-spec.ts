import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStateReport } from '@onda/contracts';
import { encodedSource, waitFor } from '../test/live-fixtures.js';
import { defaultLogger } from './logger.js';
import { DestinationPush } from './simulcast-push.js';

// Real ffmpeg and sockets: the address guard at connect time, without the operator's opt-in.
describe(DestinationPush.name, () => {
  let dir: string;
  let source: string;
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onda-simulcast-'));
    source = await encodedSource(dir);
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a destination whose name resolves to a private address when it connects, and gives up at once', async () => {
    const reports: DestinationStateReport[] = [];
    const sut = new DestinationPush({
      destinationId: '00000000-0000-4000-8000-000000000001',
      // This machine's own name: saved when it pointed elsewhere, say; now it resolves to loopback.
      pushUrl: `rtmp://${hostname()}:${port}/live/secret-key`,
      pullUrl: () => source,
      inputArgs: ['-re'],
      sourceUp: async () => true,
      report: async (r) => void reports.push(r),
      logger: defaultLogger(),
      allowPrivate: false,
    });
    sut.start();
    await waitFor('the push to fail', () => reports.some((r) => r.state === 'failed'), 30_000);
    await sut.stop({ report: false });
    expect(reports[0]).toEqual({ state: 'connecting', reason: null });
    expect(reports.at(-1)).toEqual({ state: 'failed', reason: expect.stringMatching(/^refused: the host resolves to a (loopback|private) address$/) });
    expect(connections).toBe(0);
  });

  it('retries with backoff while the destination refuses, and reports idle when stopped', async () => {
    const reports: DestinationStateReport[] = [];
    const sut = new DestinationPush({
      destinationId: '00000000-0000-4000-8000-000000000002',
      pushUrl: `rtmp://127.0.0.1:${port}/live/secret-key`,
      pullUrl: () => source,
      inputArgs: ['-re'],
      sourceUp: async () => true,
      report: async (r) => void reports.push(r),
      logger: defaultLogger(),
      allowPrivate: true,
      backoff: { baseMs: 100, capMs: 400, maxAttempts: 50 },
    });
    sut.start();
    await waitFor('two retries', () => reports.filter((r) => r.state === 'retrying').length >= 2, 60_000);
    await sut.stop();
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(reports.find((r) => r.state === 'retrying')?.reason).toMatch(/destination/);
    expect(JSON.stringify(reports)).not.toContain('secret-key');
    expect(reports.at(-1)).toEqual({ state: 'idle', reason: null });
  });
});
