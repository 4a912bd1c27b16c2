import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Every request gets an id (the caller's X-Request-Id when it is sane), echoed in the response and in problems. */
export function requestId(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.id = given && SAFE_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
}

export interface AccessLogger {
  log(message: string, context?: string): void;
  debug(message: string, context?: string): void;
}

/**
 * One log line per request with its id, method, path, status and duration. HLS fetches (`/media`)
 * go at debug level: every viewer asks for a playlist each second and a segment every two; so do
 * accepted player beacons (one per viewer every ~10 s) and successful health probes and scrapes.
 */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function accessLog(logger: AccessLogger) {
  return (req: Request & { id?: string }, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = JSON.stringify({ requestId: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
      const quiet = req.path.startsWith('/media/') || (res.statusCode < 400 && (req.path === '/v1/beacons' || PROBES.has(req.path)));
      if (quiet) logger.debug(line, 'Http');
      else logger.log(line, 'Http');
    });
    next();
  };
}
