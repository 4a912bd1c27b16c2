import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.context.js';
import { sha256Hex } from '../auth/token-crypto.js';
import { AppError } from './app-error.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const TTL_MS = 24 * 3600 * 1000;
const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** OpenAPI description of the header, for `@ApiHeader`. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Any unique string (e.g. a UUID). Retrying with the same key and body within 24 h replays the first response; the same key with a different body is 422.',
};

/**
 * `Idempotency-Key` on creates: the first response is stored for 24 h per account and key. Same key +
 * same request replays it; same key + different request is 422; a request still running is 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly repo: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const key = req.header('idempotency-key');
    if (key === undefined || !req.principal) return next.handle();
    return from(this.run(req, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async run(req: AuthedRequest, res: Response, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY.test(key)) throw new AppError('validation_failed', 'Idempotency-Key: 1-200 characters of [A-Za-z0-9_.:-]', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    const scope = req.principal!.user.id;
    const hash = sha256Hex(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`);
    const claim = await this.repo.claim(scope, key, hash, TTL_MS);
    if (!claim.claimed) {
      const { existing } = claim;
      if (existing.requestHash !== hash) throw new AppError('unprocessable', 'This Idempotency-Key was used with a different request');
      if (existing.status === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
      res.status(existing.status);
      res.setHeader('Idempotent-Replayed', 'true');
      return existing.response;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.repo.complete(scope, key, res.statusCode, body);
      return body;
    } catch (error) {
      await this.repo.release(scope, key);
      throw error;
    }
  }
}
