import type { NextFunction, Request, Response } from 'express';

const STREAMING = /^\/(media\/|v1\/vods\/[^/]+\/source$)/;

/**
 * Node's own request timeout is off (`requestTimeout = 0`) because a VOD upload through the API may stream for
 * hours. Instead (finding 16): every other request must be done within `totalMs` (a slow sender of a body or a
 * stuck handler cannot hold the connection forever), and the long streams (uploads, media downloads) are cut when
 * nothing moves for `idleMs`.
 */
export function requestDeadline(totalMs: number, idleMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (STREAMING.test(req.path)) {
      req.socket.setTimeout(idleMs, () => req.socket.destroy());
      return next();
    }
    const timer = setTimeout(() => req.socket.destroy(), totalMs);
    timer.unref();
    const done = (): void => clearTimeout(timer);
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
