import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
import { RedisRateLimiter, type RateLimitOptions } from './common/rate-limit.js';
import { FallbackRateLimiter } from './common/rate-limit-fallback.js';
import { CLIP_LIMIT } from './clips/clips.service.js';
import { requestDeadline } from './common/request-deadline.js';
import { compileTrustProxy } from './common/client-address.js';
import { securityHeaders } from './common/security-headers.js';
import { SIGN_IN_LIMITS } from './auth/sign-in-throttle.js';
import { createRedisClient } from '@onda/queue';
import { PinoNestLogger } from './common/logger.js';
import { ChatIoAdapter } from './chat/transport/chat-io.adapter.js';
import { ChatGateway } from './chat/transport/chat.gateway.js';
import { HealthService } from './health.service.js';
import { EmbedService } from './embed/embed.service.js';
import { withFrameAncestors, withMeta } from './embed/page-meta.js';
import { createMetricsRegistry } from '@onda/observability';
import { createApiMetrics, httpMetricsMiddleware, metricsEndpoint } from './common/metrics.js';
import { mediaBaseUrl, redisPrefix } from './common/tokens.js';

export type { ApiDeps } from './app.module.js';
export type { ApiOptions } from './api-options.js';
export { createAdminWithToken } from './auth/admin.service.js';
export { seedDevelopmentData, type SeedOptions, type SeedResult } from './seed/seed.js';
export { WebhookService, type WebhookEvent } from './webhooks/webhooks.service.js';
export { verifyWebhook, signWebhook } from './webhooks/webhook-signature.js';
export { MemoryRateLimiter, RedisRateLimiter, type RateLimiter, type RedisEval } from './common/rate-limit.js';
export type { ChatFilter, ChatFilterContext, ChatFilterResult } from './chat/domain/chat-filter.js';
export { DEFAULT_CHAT_OPTIONS, type ChatOptions } from './chat/chat.options.js';

export interface RunningApi {
  url: string;
  port: number;
  app: NestExpressApplication;
  /**
   * Graceful drain before close (SIGTERM): /readyz turns 503, then after `waitMs` (the balancer's checks
   * notice, Kubernetes updates its endpoints) every chat client is told to reconnect, spread over
   * `spreadMs`; they come back on other nodes. Requests keep being served meanwhile.
   */
  drain(opts: { waitMs: number; spreadMs?: number }): Promise<void>;
  close(): Promise<void>;
}

const RESERVED = /^\/(v1|internal|media|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves the built React app with history-API fallback, leaving API paths to Nest. Channel and VOD pages get
 * their Open Graph / Twitter / oEmbed tags in index.html (link previews do not run scripts); embed pages may be
 * framed by their channel's allowed origins, every other page by nobody.
 */
function webApp(dist: string, embed: EmbedService, logger: Logger) {
  const assets = express.static(dist, { index: false, maxAge: '1y', immutable: true });
  const indexPath = path.join(dist, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) return next();
    if (req.path.startsWith('/assets/')) return assets(req, res, next);
    if (/\.[a-z0-9]+$/i.test(req.path)) return express.static(dist, { index: false, maxAge: '1h' })(req, res, next);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html');
    // Read per request (a few KB): a rebuild of the web app is served without a restart, as sendFile did.
    Promise.all([readFile(indexPath, 'utf8'), embed.page(req.path).catch((error: unknown) => {
      // The page still works without its tags (the app loads the data itself).
      logger.warn(`page tags for ${req.path}: ${(error as Error).message}`);
      return null;
    })]).then(
      ([indexHtml, info]) => {
        if (info?.frameAncestors) {
          res.setHeader('Content-Security-Policy', withFrameAncestors(String(res.getHeader('Content-Security-Policy') ?? ''), info.frameAncestors));
          // frame-ancestors supersedes it in every current browser; DENY would still block older ones.
          res.removeHeader('X-Frame-Options');
        }
        res.send(info ? withMeta(indexHtml, info.meta) : indexHtml);
      },
      next,
    );
  };
}

/** Starts the REST API (and, when `webDist` is set, the web app) on host:port. */
export async function startApi(deps: ApiDeps, listen: { host: string; port: number; logLevel?: string }): Promise<RunningApi> {
  const server = express();
  server.disable('x-powered-by');
  // One reading of TRUST_PROXY for req.ip and the chat sockets (common/client-address.ts).
  if (deps.options.trustProxy) server.set('trust proxy', compileTrustProxy(deps.options.trustProxy));
  const redis = deps.options.redisUrl && !deps.rateLimiter ? createRedisClient(deps.options.redisUrl, 'request') : null;
  // While Redis is unreachable each node limits on its own (rate-limit-fallback.ts) instead of failing requests.
  const shared = (o: RateLimitOptions) => new FallbackRateLimiter(new RedisRateLimiter(redis!, o), o, new Logger('RateLimit'));
  const rateLimiter = deps.rateLimiter ?? (redis ? shared(deps.options.rateLimit ?? { limit: 600, windowMs: 60_000 }) : undefined);
  const registry = deps.metrics ?? createMetricsRegistry();
  const metrics = createApiMetrics(registry);
  // Sign-in throttling must hold across API nodes too, or an attacker spreads guesses over them.
  const signInLimiters = deps.signInLimiters ?? (redis ? {
    perAccount: shared(deps.options.signIn?.perAccount ?? SIGN_IN_LIMITS.perAccount),
    perAddress: shared(deps.options.signIn?.perAddress ?? SIGN_IN_LIMITS.perAddress),
  } : undefined);
  // A viewer's clips count on every API node alike.
  const clipLimiter = deps.clipLimiter ?? (redis ? shared(deps.options.clipRateLimit ?? CLIP_LIMIT) : undefined);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...deps, metrics: registry, ...(rateLimiter ? { rateLimiter } : {}), ...(signInLimiters ? { signInLimiters } : {}), ...(clipLimiter ? { clipLimiter } : {}) }), new ExpressAdapter(server), {
    bodyParser: false,
    logger: new PinoNestLogger(listen.logLevel ?? 'info'),
  });
  app.use(requestDeadline(deps.options.requestTimeoutMs ?? 60_000, 120_000));
  app.use(securityHeaders(deps.options.publicUrl, mediaBaseUrl(deps.options)));
  app.use(requestId);
  app.use(httpMetricsMiddleware(metrics.http));
  // Before the access log: a scrape every few seconds is not news.
  app.use(metricsEndpoint(registry, deps.options.metricsToken));
  app.use(accessLog(new Logger()));
  app.use(requireJsonBodies);
  // Small JSON bodies only: nothing in this API takes more than a few KB; larger bodies are refused with 413.
  app.use(express.json({ limit: '64kb', type: ['application/json', 'application/*+json'] }));
  const webDist = deps.options.webDist;
  if (webDist && existsSync(path.join(webDist, 'index.html'))) app.use(webApp(webDist, app.get(EmbedService), new Logger('Web')));
  setupOpenApi(app);
  app.useWebSocketAdapter(new ChatIoAdapter(app, { redisUrl: deps.options.redisUrl, prefix: redisPrefix(deps.options) }));
  await app.listen(listen.port, listen.host);
  const httpServer = app.getHttpServer() as Server;
  // Node ends a request still arriving after 5 minutes by default: a VOD upload through the API may stream
  // for hours. requestDeadline bounds every other request; slow senders of headers are cut off by headersTimeout.
  httpServer.requestTimeout = 0;
  httpServer.headersTimeout = 30_000;
  const port = (httpServer.address() as AddressInfo).port;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host}:${port}`,
    port,
    app,
    drain: async ({ waitMs, spreadMs = 2000 }) => {
      app.get(HealthService).startDraining();
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      await app.get(ChatGateway).drain(spreadMs);
    },
    close: async () => {
      await app.close();
      await redis?.quit();
    },
  };
}
