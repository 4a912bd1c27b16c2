import { SecretBox } from '../common/secret-box.js';
import { randomSecret, sha256Hex } from '../common/token-crypto.js';

/**
 * Stream keys are looked up by SHA-256 digest and, so that their owner can read them again (as on
 * every hosted service), also kept encrypted with AES-256-GCM under the server secret (a SecretBox with
 * the purpose `stream-key`). A database dump alone yields neither a usable key nor a way to find one.
 */
export class StreamKeyCrypto {
  private readonly box: SecretBox;

  constructor(secret: string) {
    this.box = new SecretBox(secret, 'stream-key');
  }

  /** A new key: `live_` + 32 URL-safe characters, within RTMP stream-name rules ([A-Za-z0-9_-]). */
  generate(): string {
    return randomSecret('live_', 24);
  }

  hash(streamKey: string): string {
    return hashStreamKey(streamKey);
  }

  encrypt(streamKey: string): string {
    return this.box.encrypt(streamKey);
  }

  decrypt(ciphertext: string): string {
    return this.box.decrypt(ciphertext);
  }
}

/** The one stream-key digest: what is stored at creation and what a publish is looked up by. */
export const hashStreamKey = (streamKey: string): string => sha256Hex(streamKey);
