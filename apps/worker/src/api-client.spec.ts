import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalHttpError } from '@onda/internal-http';
import { createHttpWorkerApiClient } from './api-client.js';

const SESSION = '2b1f2d6e-4a44-4a0e-9d7c-1f0c3f0d2a11';

describe(createHttpWorkerApiClient.name, () => {
  let server: Server;
  let baseUrl: string;
  let requests: { method: string; url: string; auth: string | undefined; body: string }[];
  let statuses: number[];

  beforeEach(async () => {
    requests = [];
    statuses = [];
    server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const c of req) body += c;
      requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(req.method === 'GET' && status === 200 ? JSON.stringify({ id: SESSION, state: 'live', publisherConnected: true }) : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts events with the bearer token and retries 5xx', async () => {
    statuses = [503, 502];
    const sut = createHttpWorkerApiClient(baseUrl, 'tok', { baseMs: 1, maxMs: 2 });
    await sut.event(SESSION, { type: 'ended', mediaSeconds: 12.5 });
    expect(requests).toHaveLength(3);
    expect(requests[2]).toEqual({
      method: 'POST', url: `/internal/worker/sessions/${SESSION}/events`, auth: 'Bearer tok', body: JSON.stringify({ type: 'ended', mediaSeconds: 12.5 }),
    });
  });

  it('reads and validates the session view, and does not retry a 4xx', async () => {
    const sut = createHttpWorkerApiClient(baseUrl, 'tok', { baseMs: 1, maxMs: 2 });
    expect(await sut.session(SESSION)).toEqual({ id: SESSION, state: 'live', publisherConnected: true });
    statuses = [404];
    // The VOD and clip jobs drop their work on exactly this: a 404 InternalHttpError.
    const err = await sut.session(SESSION).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalHttpError);
    expect(err).toMatchObject({ status: 404, path: `/internal/worker/sessions/${SESSION}` });
    expect(requests).toHaveLength(2);
  });

  it('posts an ingest health sample once, without retrying a failure', async () => {
    const sut = createHttpWorkerApiClient(baseUrl, 'tok', { baseMs: 1, maxMs: 2 });
    const point = { at: '2026-01-01T00:00:10.000Z', bitrateKbps: 4500, fps: 30, keyframeIntervalSeconds: 2, droppedFrames: 0, speed: 1 };
    await sut.health!(SESSION, point);
    expect(requests).toEqual([{ method: 'POST', url: `/internal/worker/sessions/${SESSION}/health`, auth: 'Bearer tok', body: JSON.stringify(point) }]);
    statuses = [503];
    await expect(sut.health!(SESSION, point)).rejects.toMatchObject({ status: 503, retryable: true });
    expect(requests).toHaveLength(2);
  });

  it('announces an LL-HLS playlist model once, without retrying a failure', async () => {
    const sut = createHttpWorkerApiClient(baseUrl, 'tok', { baseMs: 1, maxMs: 2 });
    const model = { rendition: '720p', renditions: ['720p'], targetDuration: 2, partTarget: 0.5, mediaSequence: 0, discontinuitySequence: 0, segments: [], open: null, preloadHint: null, ended: false };
    statuses = [503];
    await expect(sut.llModel!(SESSION, model)).rejects.toMatchObject({ status: 503, path: `/internal/worker/sessions/${SESSION}/ll` });
    expect(requests).toEqual([{ method: 'POST', url: `/internal/worker/sessions/${SESSION}/ll`, auth: 'Bearer tok', body: JSON.stringify(model) }]);
  });

  it('retries network errors and gives up after the attempts', async () => {
    const sut = createHttpWorkerApiClient('http://127.0.0.1:1', 'tok', { attempts: 3, baseMs: 1, maxMs: 2 });
    await expect(sut.session(SESSION)).rejects.toThrow(/fetch failed/);
  });
});
