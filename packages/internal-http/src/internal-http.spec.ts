import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInternalHttpClient, InternalHttpError, retryDelayMs } from './internal-http.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: string;
}

type Answer = (res: ServerResponse) => void;

const json = (status: number, body: unknown, type = 'application/json'): Answer => (res) => res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
const problem = (status: number, code: string, detail: string): Answer =>
  json(status, { type: 'about:blank', title: 'Not Found', status, code, detail }, 'application/problem+json');

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server) => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
});

/** A port nothing listens on (taken, then given back). */
async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await close(probe);
  return port;
}

describe(createInternalHttpClient.name, () => {
  let server: Server;
  let url: string;
  let seen: Seen[];
  // Answers in order; the last one repeats.
  let answers: Answer[];

  function handler(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, contentType: req.headers['content-type'], body });
      (answers.length > 1 ? answers.shift()! : answers[0]!)(res);
    });
  }

  beforeEach(async () => {
    seen = [];
    answers = [json(200, { ok: true })];
    server = createServer(handler);
    url = `http://127.0.0.1:${await listen(server)}/`;
  });
  afterEach(() => close(server));

  it('posts JSON with the bearer token and returns the JSON answer', async () => {
    const sut = createInternalHttpClient(url, 'secret-token');
    await expect(sut.post('/internal/x/1/events', { type: 'ended', n: 2 })).resolves.toEqual({ ok: true });
    expect(seen).toEqual([{ method: 'POST', url: '/internal/x/1/events', auth: 'Bearer secret-token', contentType: 'application/json', body: '{"type":"ended","n":2}' }]);
  });

  it('gets without a body, returns null for an empty answer, and checks the answer with parse', async () => {
    const sut = createInternalHttpClient(url, 'tok');
    answers = [(res) => res.writeHead(204).end()];
    await expect(sut.get('/internal/x')).resolves.toBeNull();
    expect(seen[0]).toMatchObject({ method: 'GET', auth: 'Bearer tok', contentType: undefined, body: '' });
    answers = [json(200, { id: 7 })];
    await expect(sut.get('/internal/x', { parse: (b) => (b as { id: number }).id * 2 })).resolves.toBe(14);
  });

  it('retries a 503 and a 429, then succeeds', async () => {
    answers = [problem(503, 'unavailable', 'database down'), problem(429, 'rate_limited', 'slow down'), json(200, { done: 1 })];
    const sut = createInternalHttpClient(url, 'tok', { baseMs: 1, maxMs: 2 });
    await expect(sut.post('/internal/y', { a: 1 })).resolves.toEqual({ done: 1 });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(['{"a":1}']));
  });

  it('gives up after the attempts with the last status and detail', async () => {
    answers = [problem(503, 'unavailable', 'database down')];
    const sut = createInternalHttpClient(url, 'tok', { attempts: 3, baseMs: 1, maxMs: 2 });
    await expect(sut.get('/internal/z')).rejects.toMatchObject({ name: 'InternalHttpError', status: 503, code: 'unavailable', detail: 'database down', retryable: true });
    expect(seen).toHaveLength(3);
  });

  it('retries a refused connection until the API listens', async () => {
    const port = await freePort();
    const sut = createInternalHttpClient(`http://127.0.0.1:${port}`, 'tok', { attempts: 10, baseMs: 20, maxMs: 40 });
    const started = Date.now();
    const call = sut.post('/internal/late', {});
    // The first attempt is refused; the retries (at least 10 + 20 + 20 + ... ms apart) find it listening.
    await new Promise((r) => setTimeout(r, 60));
    await close(server);
    server = createServer(handler);
    await listen(server, port);
    await expect(call).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(seen).toHaveLength(1);
  });

  it('says why no answer came when the attempts run out', async () => {
    const sut = createInternalHttpClient(`http://127.0.0.1:${await freePort()}`, 'tok', { attempts: 2, baseMs: 1, maxMs: 2 });
    const err = await sut.get('/internal/gone').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalHttpError);
    expect(err).toMatchObject({ status: null, retryable: true, path: '/internal/gone' });
    expect((err as Error).message).toMatch(/^GET \/internal\/gone got no answer: fetch failed \(.*ECONNREFUSED/);
  });

  it.each([400, 404, 409])('does not retry a %i and carries the problem detail and the path', async (status) => {
    answers = [problem(status, 'not_found', `no such session (${status})`)];
    const sut = createInternalHttpClient(url, 'tok', { baseMs: 1, maxMs: 2 });
    const err = await sut.post('/internal/sessions/s1/started', { a: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalHttpError);
    expect(err).toMatchObject({ method: 'POST', path: '/internal/sessions/s1/started', status, code: 'not_found', detail: `no such session (${status})`, retryable: false });
    expect((err as Error).message).toBe(`POST /internal/sessions/s1/started answered ${status}: no such session (${status})`);
    expect(seen).toHaveLength(1);
  });

  it('keeps the start of an answer that is not problem+json', async () => {
    answers = [(res) => res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${'x'.repeat(500)}</html>`)];
    const sut = createInternalHttpClient(url, 'tok', { attempts: 1 });
    const err = (await sut.get('/internal/p').catch((e: unknown) => e)) as InternalHttpError;
    expect(err.status).toBe(502);
    expect(err.code).toBeUndefined();
    expect(err.detail).toBe(`<html>${'x'.repeat(194)}`);
  });

  it('does not retry an answer that parse refuses', async () => {
    answers = [json(200, { nonsense: true })];
    const sut = createInternalHttpClient(url, 'tok', { baseMs: 1, maxMs: 2 });
    const parse = (b: unknown) => {
      if (typeof (b as { id?: unknown }).id !== 'string') throw new Error('id: expected a string');
      return b;
    };
    await expect(sut.get('/internal/v', { parse })).rejects.toMatchObject({ status: 200, retryable: false, message: 'GET /internal/v answered 200: invalid body: id: expected a string' });
    expect(seen).toHaveLength(1);
  });

  it('times out an attempt that gets no answer, and retries it within the attempts', async () => {
    answers = [() => undefined];
    const sut = createInternalHttpClient(url, 'tok', { timeoutMs: 5_000, baseMs: 1, maxMs: 2 });
    const started = Date.now();
    await expect(sut.post('/internal/slow', {}, { timeoutMs: 100, attempts: 2 })).rejects.toMatchObject({
      status: null,
      retryable: true,
      message: 'POST /internal/slow got no answer: timed out after 100 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen).toHaveLength(2);
  });
});

describe(retryDelayMs.name, () => {
  it('doubles from baseMs up to maxMs and jitters down to half', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 250, 4_000, () => 1))).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000]);
    expect([1, 2, 3, 6].map((n) => retryDelayMs(n, 250, 4_000, () => 0))).toEqual([125, 250, 500, 2_000]);
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(3, 250, 4_000);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1_000);
    }
  });
});
