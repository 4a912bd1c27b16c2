import type { Request } from 'express';
import type { Scope } from '@onda/contracts';
import type { Account } from './auth.repository.js';

/** Who is calling: a token's or a console session's user and what they may do. */
export interface Principal {
  user: Account;
  scopes: string[];
  via: 'token' | 'session';
  /** Token id or console session id: the rate-limit and idempotency key. */
  id: string;
  /** When the API token ends (null: never); absent for console sessions. */
  expiresAt?: Date | null;
}

export type AuthedRequest = Request & { principal?: Principal; id?: string };

export const SCOPES_KEY = 'onda:scopes';
export const OPTIONAL_KEY = 'onda:auth-optional';
export const SESSION_COOKIE = 'onda_session';

export const hasScope = (principal: Principal, scope: Scope): boolean => principal.scopes.includes('*') || principal.scopes.includes(scope);

// Console sessions act for a person in the browser: streamers (and operators) may do everything with what is theirs,
// moderators only read and moderate. Which account's things is the tenant check's business, not the scopes'.
/** One table for REST and the chat socket. */
export const SESSION_SCOPES: Record<string, string[]> = {
  streamer: ['*'],
  admin: ['*'],
  moderator: ['channels:read', 'sessions:read', 'chat:moderate', 'users:read', 'users:write', 'clips:write'],
  // A signed-in viewer may make clips (where the channel lets viewers clip) and delete their own.
  viewer: ['clips:write'],
};
