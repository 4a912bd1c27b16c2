import { CanActivate, ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { User } from '@onda/db';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { AuthRepository } from './auth.repository.js';
import { safeEqual, sha256Hex } from './token-crypto.js';

type AuthedRequest = Request & { user?: User; scopes?: string[] };

function bearer(req: Request): string | null {
  const header = req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** Requires a valid, unrevoked API token (`Authorization: Bearer onda_...`); the token's user becomes `req.user`. */
@Injectable()
export class UserGuard implements CanActivate {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly repo: AuthRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(req);
    if (!token) throw new AppError('unauthenticated', 'Send an API token as "Authorization: Bearer <token>"');
    const owner = await this.repo.findActiveToken(sha256Hex(token));
    if (!owner) throw new AppError('unauthenticated', 'The API token is unknown, expired or revoked');
    req.user = owner.user;
    req.scopes = owner.scopes;
    // last-used time is informative: write it at most once a minute per token, not on every request.
    const now = Date.now();
    if ((this.lastTouched.get(owner.tokenId) ?? 0) < now - 60_000) {
      this.lastTouched.set(owner.tokenId, now);
      await this.repo.touchToken(owner.tokenId);
    }
    return true;
  }
}

/** Guards `/internal/*`: ingest and worker processes present the shared internal token. */
@Injectable()
export class InternalGuard implements CanActivate {
  constructor(@Inject(API_OPTIONS) private readonly options: ApiOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearer(context.switchToHttp().getRequest<Request>());
    if (!token || !safeEqual(token, this.options.internalToken)) {
      throw new AppError('unauthenticated', 'Internal endpoints need the internal token');
    }
    return true;
  }
}

/** The authenticated user of a route guarded by UserGuard. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): User => {
  const user = context.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new AppError('unauthenticated', 'Authentication required');
  return user;
});
