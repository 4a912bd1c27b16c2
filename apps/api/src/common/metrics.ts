import type { NextFunction, Request, Response } from 'express';
import { chatMetrics, createMetricsRegistry, httpMetrics, metricsHandler, type ChatMetrics, type HttpMetrics, type Registry } from '@onda/observability';

/** Injection token of the API's metrics (ApiMetrics). */
export const API_METRICS = Symbol('API_METRICS');

/** The API's side of /metrics: the process registry and the instruments features report to. */
export interface ApiMetrics {
  registry: Registry;
  http: HttpMetrics;
  chat: ChatMetrics;
}

/** Instruments on `registry` (the composition root's, shared by every role in `onda all`), or on a registry of its own. */
export function createApiMetrics(registry: Registry = createMetricsRegistry()): ApiMetrics {
  return { registry, http: httpMetrics(registry), chat: chatMetrics(registry) };
}

/**
 * Route label of a request: the Express route template (`/v1/channels/:idOrSlug`), never the raw path,
 * so one series per endpoint instead of one per channel or media object.
 */
export function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.path === '/metrics') return '/metrics';
  // Not a Nest route: the web app's files and history fallback, or nothing at all.
  return (req.method === 'GET' || req.method === 'HEAD') && req.res && req.res.statusCode < 400 ? '(web)' : '(unmatched)';
}

/** Observes every HTTP request's duration by method, route template and status once the response is sent. */
export function httpMetricsMiddleware(http: HttpMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => http.observe(req.method, routeOf(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
}

/** GET /metrics on the API's own server (Prometheus text format); with METRICS_TOKEN it needs that bearer token. */
export function metricsEndpoint(registry: Registry, token: string | undefined) {
  const handle = metricsHandler(registry, { token });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== '/metrics') return next();
    handle(req, res).catch(next);
  };
}
