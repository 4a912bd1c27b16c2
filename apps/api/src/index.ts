import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule, type ApiDeps } from './app.module.js';
import { setupOpenApi } from './openapi.setup.js';
import { accessLog, requestId } from './common/request-id.js';
import { requireJsonBodies } from './common/content-type.js';
import { RedisRateLimiter } from './common/rate-limit.js';
import { Redis } from 'ioredis';
import { PinoNestLogger } from './common/logger.js';
import { ChatIoAdapter } from './chat/chat-io.adapter.js';
import { createMetricsRegistry } from '@onda/observability';
import { createApiMetrics, httpMetricsMiddleware, metricsEndpoint } from './common/metrics.js';

export type { ApiDeps } from './app.module.js';
export type { ApiOptions } from './common/tokens.js';
export { createAdminWithToken } from './auth/admin.service.js';
export { seedDevelopmentData, type SeedOptions, type SeedResult } from './seed/seed.js';
export { WebhookService, type WebhookEvent } from './webhooks/webhooks.service.js';
export { verifyWebhook, signWebhook } from './webhooks/webhook-signature.js';
export { MemoryRateLimiter, RedisRateLimiter, type RateLimiter, type RedisEval } from './common/rate-limit.js';
export type { ChatFilter, ChatFilterContext, ChatFilterResult } from './chat/chat-filter.js';
export { DEFAULT_CHAT_OPTIONS, type ChatOptions } from './chat/chat.options.js';

export interface RunningApi {
  url: string;
  port: number;
  app: NestExpressApplication;
  close(): Promise<void>;
}

const RESERVED = /^\/(v1|internal|media|healthz|readyz|metrics)(\/|$)/;

/** Serves the built React app with history-API fallback, leaving API paths to Nest. */
function webApp(dist: string) {
  const assets = express.static(dist, { index: false, maxAge: '1y', immutable: true });
  const indexHtml = path.join(dist, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) return next();
    if (req.path.startsWith('/assets/')) return assets(req, res, next);
    if (/\.[a-z0-9]+$/i.test(req.path)) return express.static(dist, { index: false, maxAge: '1h' })(req, res, next);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  };
}

/** Starts the REST API (and, when `webDist` is set, the web app) on host:port. */
export async function startApi(deps: ApiDeps, listen: { host: string; port: number; logLevel?: string }): Promise<RunningApi> {
  const server = express();
  server.disable('x-powered-by');
  const redis = deps.options.redisUrl && !deps.rateLimiter ? new Redis(deps.options.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const rateLimiter = deps.rateLimiter ?? (redis ? new RedisRateLimiter(redis, deps.options.rateLimit ?? { limit: 600, windowMs: 60_000 }) : undefined);
  const registry = deps.metrics ?? createMetricsRegistry();
  const metrics = createApiMetrics(registry);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...deps, metrics: registry, ...(rateLimiter ? { rateLimiter } : {}) }), new ExpressAdapter(server), {
    bodyParser: false,
    logger: new PinoNestLogger(listen.logLevel ?? 'info'),
  });
  app.use(requestId);
  app.use(httpMetricsMiddleware(metrics.http));
  // Before the access log: a scrape every few seconds is not news.
  app.use(metricsEndpoint(registry, deps.options.metricsToken));
  app.use(accessLog(new Logger()));
  app.use(requireJsonBodies);
  // Small JSON bodies only: nothing in this API takes more than a few KB; larger bodies are refused with 413.
  app.use(express.json({ limit: '64kb', type: ['application/json', 'application/*+json'] }));
  const webDist = deps.options.webDist;
  if (webDist && existsSync(path.join(webDist, 'index.html'))) app.use(webApp(webDist));
  setupOpenApi(app);
  app.useWebSocketAdapter(new ChatIoAdapter(app, { redisUrl: deps.options.redisUrl, prefix: deps.options.chat?.redisPrefix ?? 'onda' }));
  await app.listen(listen.port, listen.host);
  const httpServer = app.getHttpServer() as Server;
  // Node ends a request still arriving after 5 minutes by default: a VOD upload through the API may stream
  // for hours. Slow senders of headers are still cut off by headersTimeout.
  httpServer.requestTimeout = 0;
  const port = (httpServer.address() as AddressInfo).port;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host}:${port}`,
    port,
    app,
    close: async () => {
      await app.close();
      await redis?.quit();
    },
  };
}
