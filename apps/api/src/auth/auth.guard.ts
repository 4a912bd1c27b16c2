import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Scope } from '@onda/contracts';
import { AppError } from '../common/app-error.js';
import type { RateLimiter } from '../common/rate-limit.js';
import { API_OPTIONS, RATE_LIMITER, type ApiOptions } from '../common/tokens.js';
import { AuthRepository } from './auth.repository.js';
import { OPTIONAL_KEY, SCOPES_KEY, SESSION_COOKIE, SESSION_SCOPES, hasScope, type AuthedRequest, type Principal } from './principal.js';
import { safeEqual, sha256Hex } from '../common/token-crypto.js';
import { sameSite } from '../common/security-headers.js';

export function bearer(req: Request): string | null {
  const header = req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export function cookie(req: Request, name: string): string | null {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}


/** Authenticates a bearer API token or the console session cookie, checks scopes and the per-caller rate limit. */
@Injectable()
export class ScopeGuard implements CanActivate {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly repo: AuthRepository,
    private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const optional = this.reflector.getAllAndOverride<boolean | undefined>(OPTIONAL_KEY, [context.getHandler(), context.getClass()]) ?? false;
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    const principal = await this.authenticate(req);
    if (!principal) {
      if (optional) return true;
      throw new AppError('unauthenticated', 'Send an API token as "Authorization: Bearer <token>" or sign in');
    }
    const verdict = await this.limiter.hit(principal.id);
    if (!verdict.allowed) throw new AppError('rate_limited', `Too many requests; retry in ${verdict.retryAfterSeconds} s`, [{ path: 'retryAfter', message: String(verdict.retryAfterSeconds) }]);
    const missing = scopes.filter((s) => !hasScope(principal, s));
    if (missing.length) throw new AppError('forbidden', `This credential lacks the scope ${missing.join(', ')}`);
    req.principal = principal;
    return true;
  }

  private async authenticate(req: AuthedRequest): Promise<Principal | null> {
    const token = bearer(req);
    if (token) {
      const owner = await this.repo.findActiveToken(sha256Hex(token));
      if (!owner) throw new AppError('unauthenticated', 'The API token is unknown, expired or revoked');
      // last-used time is informative: write it at most once a minute per token, not on every request.
      const now = Date.now();
      if ((this.lastTouched.get(owner.tokenId) ?? 0) < now - 60_000) {
        this.lastTouched.set(owner.tokenId, now);
        await this.repo.touchToken(owner.tokenId);
      }
      return { user: owner.user, scopes: owner.scopes, via: 'token', id: owner.tokenId, expiresAt: owner.expiresAt };
    }
    const sessionValue = cookie(req, SESSION_COOKIE);
    if (!sessionValue) return null;
    // A console cookie writes only from this site (finding 13): a cross-site form or fetch gets no session.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameSite(req.headers, this.options.publicUrl)) {
      throw new AppError('forbidden', 'Cross-site request refused: the console session works only from this site');
    }
    const session = await this.repo.findActiveSession(sha256Hex(sessionValue));
    if (!session) return null;
    return { user: session.user, scopes: SESSION_SCOPES[session.user.role] ?? [], via: 'session', id: session.sessionId };
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
