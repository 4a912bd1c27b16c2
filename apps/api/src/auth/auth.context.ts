import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, UseInterceptors, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiResponse } from '@nestjs/swagger';
import type { Scope } from '@onda/contracts';
import type { Account } from './auth.repository.js';
import { AppError } from '../common/app-error.js';
import { problemResponse } from '../common/openapi.js';
import { ScopeGuard } from './auth.guard.js';
import { OperatorAuditInterceptor } from './operator-audit.interceptor.js';

// The caller's shape lives in principal.ts so the guard can use it without importing these decorators
// (which import the guard): re-exported here, where every feature reads it.
export { hasScope, isOperator, isOperatorUser, managesChannel, OPTIONAL_KEY, SCOPES_KEY, SESSION_COOKIE, SESSION_SCOPES, type AuthedRequest, type Principal } from './principal.js';
import { OPTIONAL_KEY, SCOPES_KEY, SESSION_COOKIE, type AuthedRequest, type Principal } from './principal.js';

/**
 * Requires a bearer API token or a console session carrying every listed scope: no credentials 401,
 * a missing scope 403, too many requests 429; an operator's changes to other accounts' channels are audited. Documents all of that in the OpenAPI spec.
 */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(SCOPES_KEY, scopes),
    UseGuards(ScopeGuard),
    // An operator's changes to other accounts' channels are audited on every guarded route (managesChannel notes them).
    UseInterceptors(OperatorAuditInterceptor),
    ApiBearerAuth(),
    ApiCookieAuth(SESSION_COOKIE),
    ApiResponse(problemResponse(401, 'No or invalid credentials')),
    ApiResponse(problemResponse(403, `Missing scope: ${scopes.join(', ') || '(none)'}`)),
    ApiResponse(problemResponse(429, 'Rate limited; see Retry-After')),
  );

/** Public route that also recognises credentials when present (e.g. owners see their private channels). */
export const OptionalAuth = () => applyDecorators(SetMetadata(OPTIONAL_KEY, true), UseGuards(ScopeGuard));

/** The caller of a route guarded by RequireScopes. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new AppError('unauthenticated', 'Authentication required');
  return principal;
});

/** The caller of an OptionalAuth route, if any. */
export const MaybePrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | null => context.switchToHttp().getRequest<AuthedRequest>().principal ?? null);

/** The authenticated user of a route guarded by RequireScopes. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Account => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new AppError('unauthenticated', 'Authentication required');
  return principal.user;
});
