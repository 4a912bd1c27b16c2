import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalHttpError } from '@onda/internal-http';
import { createHttpIngestApiClient, type IngestApiClient } from './api-client.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

const source = { width: 640, height: 360, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' };

describe(createHttpIngestApiClient.name, () => {
  let server: Server;
  let seen: Seen[];
  // Status codes to answer, in order; the last one repeats.
  let statuses: number[];
  let answer: unknown;
  let sut: IngestApiClient;

  beforeEach(async () => {
    seen = [];
    statuses = [200];
    answer = {};
    server = createServer(async (req: IncomingMessage, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined });
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sut = createHttpIngestApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, 'tok', { baseMs: 5, maxMs: 10, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await new Promise((r) => server.close(r));
  });

  const req = { streamKey: 'key', clientIp: '127.0.0.1', ingestId: 'i1' };

  it('authorizes with a bearer token and returns the session', async () => {
    answer = { sessionId: randomUUID(), channelId: randomUUID() };
    await expect(sut.authorize(req)).resolves.toEqual(answer);
    expect(seen).toEqual([{ method: 'POST', url: '/internal/ingest/authorize', auth: 'Bearer tok', body: req }]);
  });

  it('treats 403 and 404 as a refused key', async () => {
    statuses = [403];
    await expect(sut.authorize(req)).resolves.toBeNull();
    statuses = [404];
    await expect(sut.authorize(req)).resolves.toBeNull();
  });

  it('throws on 5xx and on an invalid answer, without retrying the authorization', async () => {
    statuses = [503];
    await expect(sut.authorize(req)).rejects.toBeInstanceOf(InternalHttpError);
    expect(seen).toHaveLength(1);
    statuses = [200];
    answer = { sessionId: 'not-a-uuid' };
    await expect(sut.authorize(req)).rejects.toThrow('invalid body');
  });

  it('throws when the API cannot be reached', async () => {
    await new Promise((r) => server.close(r));
    server = createServer();
    await expect(sut.authorize(req)).rejects.toMatchObject({ name: 'InternalHttpError', status: null, retryable: true });
  });

  it('retries started on 5xx until it succeeds', async () => {
    const id = randomUUID();
    statuses = [500, 502, 204];
    await sut.started(id, { source, pullUrl: `rtmp://ingest/live/${id}?token=ab` });
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill(`/internal/ingest/sessions/${id}/started`));
    expect(seen[2]!.body).toEqual({ source, pullUrl: `rtmp://ingest/live/${id}?token=ab` });
  });

  it("reads the API's decision about a running publish", async () => {
    const id = randomUUID();
    answer = { id, state: 'ended', disconnect: true };
    expect(await sut.session(id)).toEqual({ id, state: 'ended', disconnect: true });
    expect(seen[0]).toMatchObject({ method: 'GET', url: `/internal/ingest/sessions/${id}`, auth: 'Bearer tok' });
    answer = { nonsense: true };
    await expect(sut.session(id)).rejects.toBeInstanceOf(InternalHttpError);
    // Polled every few seconds: a failed poll is not retried, the next one follows.
    seen = [];
    statuses = [503];
    await expect(sut.session(id)).rejects.toMatchObject({ status: 503, retryable: true });
    expect(seen).toHaveLength(1);
  });

  it('gives up after the bounded attempts and does not retry a 4xx', async () => {
    statuses = [500];
    await expect(sut.disconnected('s1', 'encoder disconnected')).rejects.toMatchObject({ status: 500 });
    expect(seen).toHaveLength(4);
    seen = [];
    statuses = [409];
    await expect(sut.disconnected('s1', 'encoder disconnected')).rejects.toMatchObject({ status: 409, retryable: false });
    expect(seen).toEqual([{ method: 'POST', url: '/internal/ingest/sessions/s1/disconnected', auth: 'Bearer tok', body: { reason: 'encoder disconnected' } }]);
  });
});
