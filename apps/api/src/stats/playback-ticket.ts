import { createHmac } from 'node:crypto';
import type { Beacon } from '@onda/contracts';
import { safeEqual } from '../common/token-crypto.js';

/** What one ticket is bound to: the target, the browser's viewer id and the playback's id. */
export interface TicketBinding {
  liveSessionId?: string;
  vodId?: string;
  viewerId: string;
  playbackId: string;
}

/**
 * Signed playback tickets (security issue #12, finding 9): `<expiry>.<mac>` over the target, viewerId and
 * playbackId. Concurrent viewers are counted per playbackId, so one ticket is at most one viewer however many
 * beacons carry it; a ticket is only issued for a playback the caller may watch, and new ones are limited per address.
 */
export class PlaybackTickets {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'onda/playback-ticket/v1').update(secret).digest();
  }

  issue(binding: TicketBinding, expiresAtSeconds: number): string {
    return `${expiresAtSeconds}.${this.mac(binding, expiresAtSeconds)}`;
  }

  /** Whether `ticket` was issued for exactly this binding and is still valid at `nowSeconds`. */
  verify(ticket: string | undefined, binding: TicketBinding, nowSeconds: number): boolean {
    const match = ticket ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(ticket) : null;
    if (!match || Number(match[1]) < nowSeconds) return false;
    return safeEqual(match[2]!, this.mac(binding, Number(match[1])));
  }

  /** A beacon's own ticket, checked against the beacon's ids. */
  verifyBeacon(beacon: Beacon, nowSeconds: number): boolean {
    return this.verify(beacon.ticket, beacon, nowSeconds);
  }

  private mac(b: TicketBinding, exp: number): string {
    const target = b.liveSessionId ? `live\n${b.liveSessionId}` : `vod\n${b.vodId ?? ''}`;
    return createHmac('sha256', this.key).update(`${target}\n${b.viewerId}\n${b.playbackId}\n${exp}`).digest('base64url');
  }
}
