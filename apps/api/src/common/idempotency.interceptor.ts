import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { sha256Hex } from './token-crypto.js';
import { AppError } from './app-error.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { SecretBox } from './secret-box.js';
import { API_OPTIONS, type ApiOptions } from './tokens.js';

/** What this reads of a request that auth/'s guard authenticated (common/ does not import features). */
type CallerRequest = Request & { principal?: { user: { id: string } } };

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
 * Responses can carry secrets shown once (API tokens, webhook secrets): the stored copy is sealed with a key
 * derived from the server secret and the Idempotency-Key, and only a digest of the Idempotency-Key is stored, so
 * the database alone never yields them (finding 11).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly repo: IdempotencyRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<CallerRequest>();
    const key = req.header('idempotency-key');
    if (key === undefined || !req.principal) return next.handle();
    return from(this.run(req, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async run(req: CallerRequest, res: Response, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY.test(key)) throw new AppError('validation_failed', 'Idempotency-Key: 1-200 characters of [A-Za-z0-9_.:-]', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    const scope = req.principal!.user.id;
    const hash = sha256Hex(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`);
    const box = new SecretBox(this.options.secret, `idempotency:${scope}:${key}`);
    const claim = await this.repo.claim(scope, sha256Hex(key), hash, TTL_MS);
    if (!claim.claimed) {
      const { existing } = claim;
      if (existing.requestHash !== hash) throw new AppError('unprocessable', 'This Idempotency-Key was used with a different request');
      if (existing.status === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
      res.status(existing.status);
      res.setHeader('Idempotent-Replayed', 'true');
      const sealed = (existing.response as { sealed?: unknown } | null)?.sealed;
      return typeof sealed === 'string' ? (JSON.parse(box.decrypt(sealed)) as unknown) : undefined;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.repo.complete(scope, sha256Hex(key), res.statusCode, { sealed: box.encrypt(JSON.stringify(body ?? null)) });
      return body;
    } catch (error) {
      await this.repo.release(scope, sha256Hex(key));
      throw error;
    }
  }
}
