import { Inject, Injectable } from '@nestjs/common';
import { ChatHandshakeAuthSchema } from '@onda/contracts';
import { SESSION_COOKIE, SESSION_SCOPES } from '../../auth/auth.context.js';
import { AuthRepository, type Account } from '../../auth/auth.repository.js';
import { sha256Hex } from '../../common/token-crypto.js';
import { sameSite } from '../../common/security-headers.js';
import { API_OPTIONS, type ApiOptions } from '../../common/tokens.js';
import { ChatRefusal } from '../chat.errors.js';
import { CHAT_DEVICE_LIMITER } from '../chat.tokens.js';
import type { RateLimiter } from '../../common/rate-limit.js';
import { DeviceTokens } from './device-token.js';
import { clientAddress, compileTrustProxy, type TrustProxy } from '../../common/client-address.js';

/** Who holds a chat connection: an account (token or console cookie) or an anonymous device. */
export interface ChatIdentity {
  user: Pick<Account, 'id' | 'displayName' | 'role' | 'operator'> | null;
  /** What the credential may do (`chat:moderate` lets an account moderate the channels it owns or moderates). */
  scopes: string[];
  /**
   * What an anonymous viewer is known by: `d:<id>` of a server-issued device token, or `ip:<address>` once the
   * address used up its new tokens (every further new device there shares that identity). Empty for accounts.
   */
  deviceKey: string;
  /** A token issued to this connection, to hand to the client (it sends it back on its next connections). */
  issuedDeviceToken?: string;
  ip: string;
}

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
  private readonly devices: DeviceTokens;
  private readonly publicUrl: string;
  private readonly trust: TrustProxy;

  constructor(
    private readonly auth: AuthRepository,
    @Inject(CHAT_DEVICE_LIMITER) private readonly deviceLimiter: RateLimiter,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.devices = new DeviceTokens(options.secret);
    this.publicUrl = options.publicUrl;
    this.trust = compileTrustProxy(options.trustProxy);
  }

  /** The client's address: the socket's peer, or behind a trusted proxy (TRUST_PROXY) the address it forwarded. */
  addressOf(handshake: Pick<Handshake, 'address' | 'headers'>): string {
    return clientAddress(handshake.address, handshake.headers, this.trust);
  }

  async identify(handshake: Handshake): Promise<ChatIdentity> {
    const parsed = ChatHandshakeAuthSchema.safeParse(handshake.auth ?? {});
    if (!parsed.success) throw new ChatRefusal('validation_failed', 'auth: deviceId must be 8-128 letters, digits, _ or -; token a string');
    const { deviceToken, token } = parsed.data;
    const ip = this.addressOf(handshake);
    if (token) {
      const owner = await this.auth.findActiveToken(sha256Hex(token));
      if (!owner) throw new ChatRefusal('unauthenticated', 'The API token is unknown, expired or revoked');
      return { user: owner.user, scopes: owner.scopes, deviceKey: '', ip };
    }
    // A socket.io handshake from another site does not get the console session (finding 13): it chats anonymously.
    const cookie = sameSite(handshake.headers, this.publicUrl) ? cookieValue(handshake.headers.cookie, SESSION_COOKIE) : null;
    const session = cookie ? await this.auth.findActiveSession(sha256Hex(cookie)) : null;
    // An expired console cookie is no reason to refuse a viewer: they chat anonymously.
    if (session) return { user: session.user, scopes: SESSION_SCOPES[session.user.role] ?? [], deviceKey: '', ip };
    return { user: null, scopes: [], ip, ...(await this.anonymousDevice(deviceToken, ip)) };
  }

  private async anonymousDevice(deviceToken: string | undefined, ip: string): Promise<{ deviceKey: string; issuedDeviceToken?: string }> {
    const known = this.devices.verify(deviceToken);
    if (known) return { deviceKey: `d:${known}` };
    if (!(await this.deviceLimiter.hit(`chat-device:${ip}`)).allowed) return { deviceKey: `ip:${ip}` };
    const issued = this.devices.issue();
    return { deviceKey: `d:${issued.id}`, issuedDeviceToken: issued.token };
  }
}
