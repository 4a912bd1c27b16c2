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
  /** Other accounts' channels an operator reached in this request (OperatorAuditInterceptor writes them down). */
  reached?: ChannelReach[];
}

/** One operator reach into another account's channel: `sensitive` reads (a stream key) are audited like changes. */
export interface ChannelReach {
  channelId: string;
  ownerId: string;
  sensitive: boolean;
}

export type AuthedRequest = Request & { principal?: Principal; id?: string };

export const SCOPES_KEY = 'onda:scopes';
export const OPTIONAL_KEY = 'onda:auth-optional';
export const SESSION_COOKIE = 'onda_session';

/** Operators are explicit: the flag on a streamer account (a moderator never is one, whatever its flag says). */
export const isOperatorUser = (user: Pick<Account, 'operator' | 'role'>): boolean => user.operator && user.role !== 'moderator';
export const isOperator = (principal: Principal): boolean => isOperatorUser(principal.user);

/**
 * THE tenant rule for a channel and everything that hangs off it (settings, stream key, moderators, destinations, live
 * sessions, VODs, statistics, clips, chat moderation): its owner manages it, and an operator manages every channel.
 * Every feature asks here, never compares owner ids itself. An operator's reach into another account's channel is
 * noted on the principal, so the request's change lands in the account audit log with the operator as actor.
 * Scopes are checked apart (the guard): this says whose things, not what the credential may do with them.
 */
export function managesChannel(principal: Principal | null, channel: { id: string; ownerId: string }, opts: { sensitive?: boolean } = {}): boolean {
  if (!principal) return false;
  if (channel.ownerId === principal.user.id) return true;
  if (!isOperator(principal)) return false;
  (principal.reached ??= []).push({ channelId: channel.id, ownerId: channel.ownerId, sensitive: opts.sensitive ?? false });
  return true;
}

export const hasScope = (principal: Principal, scope: Scope): boolean => principal.scopes.includes('*') || principal.scopes.includes(scope);

// Console sessions act for a person in the browser: streamers (and operators) may do everything with what is theirs
// (an operator: with every channel), moderators only read and moderate. Which account's things is managesChannel's
// business, not the scopes'.
/** One table for REST and the chat socket. */
export const SESSION_SCOPES: Record<string, string[]> = {
  streamer: ['*'],
  admin: ['*'],
  moderator: ['channels:read', 'sessions:read', 'chat:moderate', 'users:read', 'users:write', 'clips:write'],
  // A signed-in viewer may make clips (where the channel lets viewers clip) and delete their own.
  viewer: ['clips:write'],
};
