import { Injectable } from '@nestjs/common';
import { ChatHandshakeAuthSchema } from '@onda/contracts';
import type { User } from '@onda/db';
import { SESSION_COOKIE } from '../auth/auth.context.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { sha256Hex } from '../auth/token-crypto.js';
import { ChatRefusal } from './chat.errors.js';
import { normaliseIp } from './chat-text.js';

/** Who holds a chat connection: an account (token or console cookie) or an anonymous device. */
export interface ChatIdentity {
  user: Pick<User, 'id' | 'displayName' | 'role'> | null;
  /** What the credential may do (`chat:moderate` lets an account moderate the channels it owns or moderates). */
  scopes: string[];
  deviceId: string | undefined;
  ip: string;
}

/** The scopes a console session carries, as in the REST guard. */
const SESSION_SCOPES: Record<string, string[]> = { admin: ['*'], moderator: ['channels:read', 'sessions:read', 'chat:moderate'], viewer: [] };

export interface Handshake {
  auth: unknown;
  headers: Record<string, string | string[] | undefined>;
  address: string;
}

function cookieValue(header: string | string[] | undefined, name: string): string | null {
  for (const part of (Array.isArray(header) ? header.join(';') : (header ?? '')).split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Authenticates a socket.io handshake with the same credentials as the REST API. */
@Injectable()
export class ChatIdentityService {
  constructor(private readonly auth: AuthRepository) {}

  async identify(handshake: Handshake): Promise<ChatIdentity> {
    const parsed = ChatHandshakeAuthSchema.safeParse(handshake.auth ?? {});
    if (!parsed.success) throw new ChatRefusal('validation_failed', 'auth: deviceId must be 8-128 letters, digits, _ or -; token a string');
    const { deviceId, token } = parsed.data;
    const ip = normaliseIp(handshake.address);
    if (token) {
      const owner = await this.auth.findActiveToken(sha256Hex(token));
      if (!owner) throw new ChatRefusal('unauthenticated', 'The API token is unknown, expired or revoked');
      return { user: owner.user, scopes: owner.scopes, deviceId, ip };
    }
    const cookie = cookieValue(handshake.headers.cookie, SESSION_COOKIE);
    const session = cookie ? await this.auth.findActiveSession(sha256Hex(cookie)) : null;
    // An expired console cookie is no reason to refuse a viewer: they chat anonymously.
    if (session) return { user: session.user, scopes: SESSION_SCOPES[session.user.role] ?? [], deviceId, ip };
    return { user: null, scopes: [], deviceId, ip };
  }
}
