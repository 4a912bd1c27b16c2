import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './api.js';
import { createChannel, findVod } from './fixtures.js';

describe(apiClient.name, () => {
  let server: Server;
  let apiUrl = '';
  const seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }> = [];

  const body = async (req: IncomingMessage): Promise<string> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      void body(req).then((text) => {
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: text });
        res.setHeader('x-answer', 'yes');
        if (req.url === '/v1/channels' && JSON.parse(text).slug === 'taken') return res.writeHead(409).end('{"code":"conflict"}');
        if (req.url === '/v1/channels') return res.writeHead(201).end('{}');
        if (req.url?.endsWith('/stream-key')) return res.writeHead(200).end('{"streamKey":"k1","rtmpUrl":"rtmp://onda.test/live"}');
        if (req.url === '/v1/vods/bad') return res.writeHead(200).end('{"id":"bad","status":"failed","failureReason":"no video"}');
        if (req.url === '/v1/vods/none') return res.writeHead(404).end('{}');
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token read at call time and answers status, headers and JSON (null when empty)', async () => {
    let token = 'first';
    const sut = apiClient(() => ({ apiUrl, token }));
    token = 'second';
    const res = await sut('/anything', { method: 'DELETE' });
    expect(res).toMatchObject({ status: 204, body: null });
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/anything', authorization: 'Bearer second' });
    await apiClient({ apiUrl })('/anonymous');
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('creates a channel and returns the URL to publish to; a refusal throws', async () => {
    const api = apiClient({ apiUrl, token: 't' });
    expect(await createChannel(api, { slug: 'show', title: 'Show', recording: false })).toEqual({ streamKey: 'k1', rtmpUrl: 'rtmp://onda.test/live', publishUrl: 'rtmp://onda.test/live/k1' });
    expect(JSON.parse(seen.find((s) => s.url === '/v1/channels')!.body)).toEqual({ slug: 'show', title: 'Show', recording: false });
    await expect(createChannel(api, { slug: 'taken', title: 'x' })).rejects.toThrow(/HTTP 409/);
  });

  it('finds no VOD before it exists and throws for a failed one', async () => {
    const api = apiClient({ apiUrl });
    expect(await findVod(api, 'none')).toBeNull();
    await expect(findVod(api, 'bad')).rejects.toThrow('VOD bad failed: no video');
  });
});
