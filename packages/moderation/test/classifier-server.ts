import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

export interface ClassifierServer {
  url(path: string): string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP classifier on 127.0.0.1 for tests:
 * - `/verdict/<action>?labels=a,b` answers `{action, labels}`;
 * - `/words` drops messages containing "scam", holds ones containing "maybe", delivers the rest;
 * - `/slow` never answers (the caller's timeout must end the request);
 * - `/error` answers 500; `/garbage` answers 200 with a body that is not JSON.
 */
export async function startClassifierServer(): Promise<ClassifierServer> {
  const requests: ReceivedRequest[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as { text?: string } | null;
    requests.push({ path: url.pathname, contentType: req.headers['content-type'], body });
    const json = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (url.pathname.startsWith('/verdict/')) {
      const labels = url.searchParams.get('labels');
      json(200, { action: url.pathname.slice('/verdict/'.length), ...(labels ? { labels: labels.split(',') } : {}) });
    } else if (url.pathname === '/words') {
      const text = body?.text ?? '';
      json(200, { action: text.includes('scam') ? 'drop' : text.includes('maybe') ? 'hold' : 'deliver', labels: text.includes('scam') ? ['scam'] : [] });
    } else if (url.pathname === '/slow') {
      // Never answer.
    } else if (url.pathname === '/error') {
      json(500, { error: 'boom' });
    } else if (url.pathname === '/garbage') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
    } else {
      json(404, { error: 'not found' });
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
