import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
/** Routes whose handler streams a raw (file) body itself: `PUT /v1/vods/:id/source`. PUT needs a CORS preflight, which this API never grants, so no cross-site form can reach it. */
const RAW_BODY_ROUTE = /^\/v1\/vods\/[0-9a-f-]{36}\/source$/i;
/** `PUT /v1/channels/:id/commerce/moments/:id/image`: the picture as its raw bytes (PUT: same preflight argument). */
const RAW_IMAGE_ROUTE = /^\/v1\/channels\/[A-Za-z0-9_-]{1,64}\/commerce\/moments\/[0-9a-f-]{36}\/image$/i;
/** `POST /v1/beacons` also takes text/plain (navigator.sendBeacon with a string); its handler parses the JSON. It writes only anonymous statistics. */
const BEACON_ROUTE = /^\/v1\/beacons\/?$/;
const TEXT_TYPE = /^text\/plain\s*(;|$)/i;

/**
 * Request bodies must be JSON: anything else (text/plain, forms) is a 415 before any handler runs.
 * This also stops cross-site form posts from riding on the console's session cookie.
 */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'PUT' && (RAW_BODY_ROUTE.test(req.path) || RAW_IMAGE_ROUTE.test(req.path))) {
    next();
    return;
  }
  if (req.method === 'POST' && BEACON_ROUTE.test(req.path) && TEXT_TYPE.test(req.header('content-type') ?? '')) {
    next();
    return;
  }
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (hasBody && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !JSON_TYPE.test(req.header('content-type') ?? '')) {
    next(new AppError('unsupported_media_type', 'Send request bodies as application/json'));
    return;
  }
  next();
}
