import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../common/token-crypto.js';

/**
 * Anonymous chat identity the client cannot mint at will (security issue #12, finding 6): the server issues
 * `<id>.<mac>` with an HMAC of the server secret, and an anonymous author is known by the id. A new id costs an
 * issuance, which is limited per address; a client-chosen deviceId identifies nothing.
 */
export class DeviceTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'onda/chat-device/v1').update(secret).digest();
  }

  issue(): { id: string; token: string } {
    const id = randomBytes(16).toString('base64url');
    return { id, token: `${id}.${this.mac(id)}` };
  }

  /** The id of a genuine token, or null. */
  verify(token: string | undefined): string | null {
    const match = token ? /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{32})$/.exec(token) : null;
    return match && safeEqual(match[2]!, this.mac(match[1]!)) ? match[1]! : null;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url').slice(0, 32);
  }
}
