import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Request bodies must be JSON: anything else (text/plain, forms) is a 415 before any handler runs.
 * This also stops cross-site form posts from riding on the console's session cookie.
 */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (hasBody && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !JSON_TYPE.test(req.header('content-type') ?? '')) {
    next(new AppError('unsupported_media_type', 'Send request bodies as application/json'));
    return;
  }
  next();
}
