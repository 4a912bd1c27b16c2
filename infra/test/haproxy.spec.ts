import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localHaproxyConfig, serverStates, startHaproxy, type RunningHaproxy } from '../../bench/src/support/haproxy.js';
import { infraDir, runTool, toolAvailable } from './tools.js';

const listen = (server: Server | ReturnType<typeof createServer>): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** A stand-in API node: names itself, answers /readyz as told, and tunnels WebSocket upgrades (echo with its name). */
function apiNode(name: string) {
  const state = { ready: true, hits: 0 };
  const server = createHttpServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(state.ready ? 200 : 503).end();
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200).end();
      return;
    }
    state.hits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  server.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('data', (d) => socket.write(`${name}:${d.toString()}`));
  });
  return { name, state, server };
}

/** A stand-in ingest node: a TCP echo (RTMP's place) and a health server answering /readyz as told. */
function ingestNode(name: string) {
  const state = { ready: true };
  const tcp = createServer((s) => s.on('data', (d) => s.write(`${name}:${d.toString()}`)));
  const health = createHttpServer((_req, res) => res.writeHead(state.ready ? 200 : 503).end());
  return { name, state, tcp, health };
}

function get(port: number, p: string, cookie?: string): Promise<{ status: number; body: string; setCookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: p, headers: cookie ? { cookie } : {}, agent: false }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, setCookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
    });
    req.on('error', reject);
    req.end();
  });
}

function tcpSay(port: number, text: string): Promise<{ socket: Socket; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (d) => resolve({ socket, answer: d.toString() }));
    socket.once('error', reject);
  });
}

const waitUntil = async (what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};


/** Opens a WebSocket (raw handshake) through `port` with the sticky cookie and returns the node's echo of "hello". */
function wsEcho(port: number, cookie: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const headers = { cookie, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') };
    const req = request({ host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=websocket', headers, agent: false });
    req.on('upgrade', (_res, socket: Socket) => {
      socket.once('data', (d) => {
        resolve(d.toString());
        socket.destroy();
      });
      socket.write('hello');
    });
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

/** nginx with infra/nginx/web.conf as shipped, its upstream pointed at the local balancer and its root at a stand-in build. */
async function startWeb(lbPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-web-'));
  // nginx started as root serves files as `nobody`.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'html/assets'), { recursive: true });
  writeFileSync(path.join(dir, 'html/index.html'), '<!doctype html><title>onda</title>');
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  const site = readFileSync(path.join(infraDir, 'nginx/web.conf'), 'utf8')
    .replace('server lb:8080;', `server 127.0.0.1:${lbPort};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace('root /usr/share/nginx/html;', `root ${dir}/html;`);
  writeFileSync(path.join(dir, 'site.conf'), site);
  writeFileSync(path.join(dir, 'nginx.conf'), [
    'daemon off;', 'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`, 'events { worker_connections 256; }',
    `http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi; include ${dir}/site.conf; }`,
  ].join('\n'));
  const child = spawn('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: 'ignore' });
  await waitUntil('nginx', async () => get(port, '/healthz-nginx').then(() => true, () => false), 10_000);
  return {
    port,
    async stop() {
      child.kill('SIGQUIT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const haproxy = toolAvailable('haproxy');
const nginx = toolAvailable('nginx');

describe.skipIf(!haproxy)('infra/haproxy/haproxy.cfg', () => {
  it('is a valid HAProxy configuration as shipped', () => {
    const r = runTool('haproxy', ['-c', '-f', path.join(infraDir, 'haproxy/haproxy.cfg')]);
    expect(r.output).toContain('Configuration file is valid');
    expect(r.status).toBe(0);
  });

  describe('in front of two API nodes and two ingest nodes', () => {
    const apis = [apiNode('api-a'), apiNode('api-b')];
    const ingests = [ingestNode('ingest-a'), ingestNode('ingest-b')];
    let lb: RunningHaproxy;
    let http = 0;
    let rtmp = 0;
    let internal = 0;

    beforeAll(async () => {
      const apiPorts = await Promise.all(apis.map((a) => listen(a.server)));
      const ingestPorts = await Promise.all(ingests.map(async (n) => ({ rtmp: await listen(n.tcp), health: await listen(n.health) })));
      const free = await Promise.all([0, 1, 2, 3].map(async () => {
        const s = createServer();
        const p = await listen(s);
        await new Promise((r) => s.close(r));
        return p;
      }));
      [http, rtmp] = [free[0]!, free[1]!];
      internal = free[3]!;
      lb = await startHaproxy(localHaproxyConfig({ api: apiPorts, ingest: ingestPorts, http, internal, rtmp, stats: free[2]!, checkInterMs: 300 }));
      await waitUntil('every server UP', async () => {
        const all = { ...(await serverStates(lb, 'api')), ...(await serverStates(lb, 'ingest')) };
        return Object.values(all).length === 4 && Object.values(all).every((s) => s === 'UP');
      });
    });
    afterAll(async () => {
      await lb?.stop();
      for (const a of apis) a.server.close();
      for (const n of ingests) {
        n.tcp.close();
        n.health.close();
      }
    });

    it('spreads new clients over the API nodes and keeps a client on its node by cookie (socket.io polling)', async () => {
      const first = await Promise.all([1, 2, 3, 4].map(() => get(http, '/v1/channels')));
      expect(new Set(first.map((r) => r.body))).toEqual(new Set(['api-a', 'api-b']));
      for (const r of first) expect(r.setCookie).toMatch(/^ONDA_NODE=\w+/);
      const [a, b] = [first.find((r) => r.body === 'api-a')!, first.find((r) => r.body === 'api-b')!];
      expect(a.setCookie).not.toBe(b.setCookie);
      for (let i = 0; i < 6; i++) expect((await get(http, '/socket.io/?EIO=4&transport=polling', a.setCookie)).body).toBe('api-a');
      for (let i = 0; i < 6; i++) expect((await get(http, '/socket.io/?EIO=4&transport=polling', b.setCookie)).body).toBe('api-b');
    });

    it('tunnels a WebSocket upgrade to the sticky node', async () => {
      const cookie = (await get(http, '/')).setCookie!;
      const node = (await get(http, '/', cookie)).body;
      const echoed = await wsEcho(http, cookie);
      expect(echoed).toBe(`${node}:hello`);
    });

    it.skipIf(!nginx)('web (infra/nginx/web.conf) serves the app and proxies the API and chat WebSockets through the balancer', async () => {
      const web = await startWeb(http);
      try {
        const page = await get(web.port, '/c/some-channel');
        expect(page.body).toBe('<!doctype html><title>onda</title>');
        const api = await get(web.port, '/v1/channels');
        expect(['api-a', 'api-b']).toContain(api.body);
        // HAProxy's cookie comes back through nginx, so the browser stays on one node.
        expect(api.setCookie).toMatch(/^ONDA_NODE=/);
        expect((await get(web.port, '/internal/ingest/authorize')).body).toBe('<!doctype html><title>onda</title>');
        const echoed = await wsEcho(web.port, api.setCookie!);
        expect(echoed).toBe(`${api.body}:hello`);
      } finally {
        await web.stop();
      }
    });

    it('keeps the internal API and metrics off the public side; the roles reach them on the private frontend', async () => {
      const before = apis.map((a) => a.state.hits);
      expect((await get(http, '/internal/ingest/authorize')).status).toBe(404);
      expect((await get(http, '/metrics')).status).toBe(404);
      expect(apis.map((a) => a.state.hits)).toEqual(before);
      const viaInternal = await get(internal, '/internal/ingest/authorize');
      expect(['api-a', 'api-b']).toContain(viaInternal.body);
    });

    it('balances RTMP (TCP) over the ingest nodes; a draining one gets no new publishes but keeps its running one', async () => {
      const one = await tcpSay(rtmp, 'x');
      const two = await tcpSay(rtmp, 'y');
      // leastconn: the second publish goes to the node without one.
      expect(new Set([one.answer.split(':')[0], two.answer.split(':')[0]])).toEqual(new Set(['ingest-a', 'ingest-b']));
      const drainingName = one.answer.split(':')[0]!;
      ingests.find((n) => n.name === drainingName)!.state.ready = false;
      await waitUntil('the draining ingest to be DOWN', async () => Object.values(await serverStates(lb, 'ingest')).includes('DOWN'));
      for (let i = 0; i < 3; i++) {
        const next = await tcpSay(rtmp, 'z');
        expect(next.answer.startsWith(drainingName)).toBe(false);
        next.socket.destroy();
      }
      // The running publish on the draining node still flows.
      const still = await new Promise<string>((resolve) => {
        one.socket.once('data', (d) => resolve(d.toString()));
        one.socket.write('still');
      });
      expect(still).toBe(`${drainingName}:still`);
      one.socket.destroy();
      two.socket.destroy();
      ingests.find((n) => n.name === drainingName)!.state.ready = true;
    });

    it('stops sending requests to an API node whose /readyz fails (draining), sticky clients included', async () => {
      const cookieA = (await Promise.all([1, 2].map(() => get(http, '/')))).find((r) => r.body === 'api-a')!.setCookie!;
      apis[0]!.state.ready = false;
      await waitUntil('api-a DOWN', async () => (await serverStates(lb, 'api')).api1 === 'DOWN');
      const after = await Promise.all([1, 2, 3, 4].map(() => get(http, '/')));
      expect(after.map((r) => r.body)).toEqual(['api-b', 'api-b', 'api-b', 'api-b']);
      const moved = await get(http, '/socket.io/?EIO=4&transport=polling', cookieA);
      expect(moved.body).toBe('api-b');
      // The client is re-pinned to the node it landed on.
      expect(moved.setCookie).toBe(after[0]!.setCookie);
      apis[0]!.state.ready = true;
    });

    it('keeps serving /media from nodes that are up while none is ready (the database down for all), the rest a 503 problem', async () => {
      await waitUntil('api-a UP', async () => (await serverStates(lb, 'api')).api1 === 'UP');
      for (const a of apis) a.state.ready = false;
      await waitUntil('every API node DOWN', async () => Object.values(await serverStates(lb, 'api')).every((s) => s === 'DOWN'));
      const rest = await get(http, '/v1/channels/x');
      expect(rest.status).toBe(503);
      expect(rest.body).toContain('"code":"unavailable"');
      const media = await Promise.all([1, 2].map(() => get(http, '/media/live/x/360p/index.m3u8')));
      expect(media.map((r) => r.status)).toEqual([200, 200]);
      expect(new Set(media.map((r) => r.body))).toEqual(new Set(['api-a', 'api-b']));
      for (const a of apis) a.state.ready = true;
    });
  });
});
