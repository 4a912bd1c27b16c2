import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Problem } from '@onda/contracts';
import type { Registry } from 'prom-client';
import { checkReadiness, readinessBody, type ReadinessCheck, type ReadinessReport } from './health.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the request carries `Authorization: Bearer <token>` (constant-time compare); always true without a token. */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!.trim()), digest(token));
}

function send(res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function problem(res: ServerResponse, status: number, code: Problem['code'], title: string, detail: string, extra: Record<string, string> = {}): void {
  const body: Problem = { type: `https://onda.dev/problems/${code.replace(/_/g, '-')}`, title, status, code, detail };
  send(res, status, 'application/problem+json', JSON.stringify(body), extra);
}

export interface MetricsHandlerOptions {
  /** When set, scrapes need `Authorization: Bearer <token>` (METRICS_TOKEN). */
  token?: string;
}

/** Answers a scrape with the registry in Prometheus text format (plain node:http, so Express can mount it too). */
function localUnproxied(req: IncomingMessage): boolean {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return (peer === '::1' || peer.startsWith('127.')) && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

export function metricsHandler(registry: Registry, opts: MetricsHandlerOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      problem(res, 405, 'validation_failed', 'Method not allowed', 'Use GET', { allow: 'GET, HEAD' });
      return;
    }
    // Without METRICS_TOKEN only this machine may scrape (finding 14): metrics name live sessions and volumes. A
    // request relayed by a local reverse proxy (X-Forwarded-For / Forwarded) is not from this machine.
    if (!opts.token && !localUnproxied(req)) {
      problem(res, 401, 'unauthenticated', 'Authentication required', 'Set METRICS_TOKEN to scrape from another host (without it only loopback may scrape)', { 'www-authenticate': 'Bearer' });
      return;
    }
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      problem(res, 401, 'unauthenticated', 'Authentication required', 'Scrapes need Authorization: Bearer <METRICS_TOKEN>', { 'www-authenticate': 'Bearer' });
      return;
    }
    try {
      const text = await registry.metrics();
      send(res, 200, registry.contentType, req.method === 'HEAD' ? '' : text);
    } catch (error) {
      problem(res, 500, 'internal', 'Internal error', `Collecting metrics failed: ${(error as Error).message}`);
    }
  };
}

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  token?: string;
  readiness: readonly ReadinessCheck[];
  readinessTimeoutMs?: number;
  /** Told about every failed readiness check, with the underlying error (the answer shows only a safe reason). */
  onNotReady?: (report: ReadinessReport) => void;
}

/** A running operations endpoint of a role without its own HTTP server (ingest, worker). */
export interface OpsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** `/metrics`, `/healthz` (the process answers) and `/readyz` (its dependencies answer) on a small node:http server. */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const metrics = metricsHandler(o.registry, { token: o.token });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      void metrics(req, res);
    } else if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    } else if (path === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) {
      void checkReadiness(o.readiness, { timeoutMs: o.readinessTimeoutMs }).then((report) => {
        if (!report.ready) o.onNotReady?.(report);
        const answer = readinessBody(report);
        send(res, answer.status, answer.contentType, JSON.stringify(answer.body));
      });
    } else {
      problem(res, 404, 'not_found', 'Not found', `No route for ${req.method} ${path}`);
    }
  });
  // Scrapes are short; never let a slow client hold a socket open for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
