import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Problem } from '@onda/contracts';
import { isDependencyDown } from './dependency-down.js';
import { AppError, codeForStatus, titleOf } from './app-error.js';

/**
 * Answers every failure as `application/problem+json` {type,title,status,code,detail}. Unknown errors
 * become a 500 with a generic detail (the cause is logged with the request id, never sent).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const dependencyDown = !(exception instanceof AppError) && !(exception instanceof HttpException) && isDependencyDown(exception);
    const problem = dependencyDown ? this.unavailable(req) : this.toProblem(exception, req);
    if ((exception instanceof AppError && exception.code === 'unavailable') || dependencyDown) {
      // A dependency is down (readiness probes, storage, the database unreachable): expected; no stack trace.
      this.logger.warn(`${req.method} ${req.originalUrl} (request ${req.id}): ${(exception as Error)?.message}`);
    } else if (problem.status >= 500) {
      this.logger.error(`${req.method} ${req.originalUrl} failed (request ${req.id}): ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (res.headersSent) return;
    if (problem.status === 429 && exception instanceof AppError && exception.errors?.[0]?.path === 'retryAfter') {
      res.setHeader('Retry-After', exception.errors[0].message);
    }
    if (dependencyDown) res.setHeader('Retry-After', '2');
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  /** A backing service could not be reached: the client should try again shortly (see dependency-down.ts). */
  private unavailable(req: Request & { id?: string }): Problem {
    return { type: 'https://onda.dev/problems/unavailable', title: titleOf('unavailable'), status: 503, code: 'unavailable', detail: 'A service this request needs is unreachable; try again shortly', ...(req.id ? { requestId: req.id } : {}) };
  }

  private toProblem(exception: unknown, req: Request & { id?: string }): Problem {
    const base = (code: Problem['code'], status: number, detail: string, errors?: Problem['errors']): Problem => ({
      type: `https://onda.dev/problems/${code.replace(/_/g, '-')}`,
      title: titleOf(code),
      status,
      code,
      detail,
      ...(req.id ? { requestId: req.id } : {}),
      ...(errors && errors.length ? { errors } : {}),
    });
    if (exception instanceof AppError) return base(exception.code, exception.status, exception.detail, exception.errors);
    // body-parser errors carry an HTTP status and a `type` (entity.too.large, entity.parse.failed, ...).
    const bodyError = exception as { status?: number; type?: string; message?: string };
    if (typeof bodyError?.type === 'string' && typeof bodyError.status === 'number' && bodyError.status < 500) {
      const detail = bodyError.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : (bodyError.message ?? bodyError.type);
      return base(codeForStatus(bodyError.status), bodyError.status, detail);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      const detail = status === 404 ? `No route for ${req.method} ${req.path}` : Array.isArray(message) ? message.join('; ') : String(message);
      return base(codeForStatus(status), status, detail);
    }
    return base('internal', 500, 'An unexpected error occurred; it has been logged');
  }
}
