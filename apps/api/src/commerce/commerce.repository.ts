import { Inject, Injectable } from '@nestjs/common';
import type { ChannelVisibility } from '@onda/contracts';
import type { CommerceMoment, PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

/** A product card, sponsor card or drop of a channel, with its display state and (drops) its stock. */
export interface MomentRecord {
  id: string;
  channelId: string;
  /** product, sponsor or drop (stored as text). */
  kind: string;
  /** draft, shown or hidden (stored as text). */
  status: string;
  title: string;
  message: string | null;
  url: string | null;
  imageKey: string | null;
  /** Prices in the currency's minor units (KRW: won, USD: cents). */
  priceMinor: number | null;
  listPriceMinor: number | null;
  currency: string | null;
  displaySeconds: number | null;
  dropKind: string | null;
  code: string | null;
  quantity: number | null;
  claimed: number;
  perViewerLimit: number;
  windowSeconds: number | null;
  requireAccount: boolean;
  liveSessionId: string | null;
  shownAt: Date | null;
  hiddenAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields of a new moment; the rest take their defaults (draft, nothing claimed). */
export type NewMoment = Pick<MomentRecord, 'channelId' | 'kind' | 'title' | 'message' | 'url' | 'createdBy'> &
  Partial<Pick<MomentRecord, 'priceMinor' | 'listPriceMinor' | 'currency' | 'displaySeconds' | 'dropKind' | 'code' | 'quantity' | 'perViewerLimit' | 'windowSeconds' | 'requireAccount'>>;
/** What showing, hiding or a new image changes. */
export type MomentChanges = Partial<Pick<MomentRecord, 'status' | 'shownAt' | 'hiddenAt' | 'liveSessionId' | 'imageKey'>>;

const toMoment = (m: CommerceMoment): MomentRecord => ({
  id: m.id,
  channelId: m.channelId,
  kind: m.kind,
  status: m.status,
  title: m.title,
  message: m.message,
  url: m.url,
  imageKey: m.imageKey,
  priceMinor: m.priceMinor,
  listPriceMinor: m.listPriceMinor,
  currency: m.currency,
  displaySeconds: m.displaySeconds,
  dropKind: m.dropKind,
  code: m.code,
  quantity: m.quantity,
  claimed: m.claimed,
  perViewerLimit: m.perViewerLimit,
  windowSeconds: m.windowSeconds,
  requireAccount: m.requireAccount,
  liveSessionId: m.liveSessionId,
  shownAt: m.shownAt,
  hiddenAt: m.hiddenAt,
  createdBy: m.createdBy,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

export interface MomentCounts {
  impressions: number;
  clicks: number;
  claims: number;
  claimers: number;
}

/** What a claim did: one unit taken, or why not (the moment read after the refusal tells the rest). */
export type ClaimResult = { ok: true; units: number; remaining: number; code: string | null } | { ok: false; reason: 'unavailable' | 'viewer_limit' };

/** Rolls the claim's transaction back when the viewer already holds their limit. */
class ViewerLimit extends Error {}

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

@Injectable()
export class CommerceRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(data: NewMoment): Promise<MomentRecord> {
    return toMoment(await this.prisma.commerceMoment.create({ data }));
  }

  async find(channelId: string, id: string): Promise<MomentRecord | null> {
    const row = await this.prisma.commerceMoment.findFirst({ where: { id, channelId } });
    return row ? toMoment(row) : null;
  }

  async list(channelId: string, take: number): Promise<MomentRecord[]> {
    return (await this.prisma.commerceMoment.findMany({ where: { channelId }, orderBy: { createdAt: 'desc' }, take })).map(toMoment);
  }

  async shown(channelId: string): Promise<MomentRecord[]> {
    return (await this.prisma.commerceMoment.findMany({ where: { channelId, status: 'shown' }, orderBy: { shownAt: 'asc' } })).map(toMoment);
  }

  /** The moments shown during one broadcast (also the hidden ones: a recording replays them). */
  async ofSession(liveSessionId: string): Promise<MomentRecord[]> {
    return (await this.prisma.commerceMoment.findMany({ where: { liveSessionId, shownAt: { not: null } }, orderBy: { shownAt: 'asc' } })).map(toMoment);
  }

  async update(channelId: string, id: string, data: MomentChanges): Promise<MomentRecord | null> {
    const { count } = await this.prisma.commerceMoment.updateMany({ where: { id, channelId }, data });
    return count ? this.find(channelId, id) : null;
  }

  async remove(channelId: string, id: string): Promise<MomentRecord | null> {
    const row = await this.find(channelId, id);
    if (row) await this.prisma.commerceMoment.deleteMany({ where: { id, channelId } });
    return row;
  }

  async activeSessionId(channelId: string): Promise<string | null> {
    const s = await this.prisma.liveSession.findFirst({ where: { channelId, state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    return s?.id ?? null;
  }

  async unitsOf(momentId: string, viewerKey: string): Promise<number> {
    const row = await this.prisma.commerceClaim.findUnique({ where: { momentId_viewerKey: { momentId, viewerKey } }, select: { units: true } });
    return row?.units ?? 0;
  }

  async unitsOfMany(momentIds: string[], viewerKey: string): Promise<Map<string, number>> {
    const rows = await this.prisma.commerceClaim.findMany({ where: { momentId: { in: momentIds }, viewerKey }, select: { momentId: true, units: true } });
    return new Map(rows.map((r) => [r.momentId, r.units]));
  }

  /**
   * One unit of a drop for one viewer, exactly once, never past the quantity, whichever API node asks: one
   * transaction takes the unit with a conditional UPDATE (shown, inside its window, `claimed < quantity`; the row
   * lock orders concurrent claims of the moment) and then writes the viewer's row, new or one more below the
   * per-viewer limit (the (moment, viewer) primary key). A viewer at their limit rolls the unit back.
   */
  async claim(momentId: string, viewerKey: string, userId: string | null, now: Date): Promise<ClaimResult> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const taken = await tx.$queryRaw<Array<{ claimed: number; quantity: number; code: string | null; per_viewer_limit: number }>>`
          UPDATE commerce_moments SET claimed = claimed + 1, updated_at = ${now}
          WHERE id = ${momentId}::uuid AND kind = 'drop' AND status = 'shown' AND claimed < quantity
            AND shown_at <= ${now} AND (window_seconds IS NULL OR shown_at + make_interval(secs => window_seconds) > ${now})
          RETURNING claimed, quantity, code, per_viewer_limit`;
        const moment = taken[0];
        if (!moment) return { ok: false, reason: 'unavailable' } as const;
        const mine = await tx.$queryRaw<Array<{ units: number }>>`
          INSERT INTO commerce_claims (moment_id, viewer_key, user_id, units, created_at, updated_at)
          VALUES (${momentId}::uuid, ${viewerKey}, ${userId}::uuid, 1, ${now}, ${now})
          ON CONFLICT (moment_id, viewer_key) DO UPDATE SET units = commerce_claims.units + 1, updated_at = EXCLUDED.updated_at
            WHERE commerce_claims.units < ${moment.per_viewer_limit}
          RETURNING units`;
        if (!mine[0]) throw new ViewerLimit();
        return { ok: true, units: mine[0].units, remaining: moment.quantity - moment.claimed, code: moment.code } as const;
      });
    } catch (e) {
      if (e instanceof ViewerLimit) return { ok: false, reason: 'viewer_limit' };
      throw e;
    }
  }

  /** A viewer had the card on screen (counted once per viewer). */
  async seen(momentId: string, viewerKey: string): Promise<void> {
    await this.prisma.$executeRaw`INSERT INTO commerce_views (moment_id, viewer_key) VALUES (${momentId}::uuid, ${viewerKey}) ON CONFLICT DO NOTHING`;
  }

  /** A viewer followed the card's link (counted once per viewer; a click is an impression too). */
  async clicked(momentId: string, viewerKey: string, now: Date): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO commerce_views (moment_id, viewer_key, seen_at, clicked_at) VALUES (${momentId}::uuid, ${viewerKey}, ${now}, ${now})
      ON CONFLICT (moment_id, viewer_key) DO UPDATE SET clicked_at = COALESCE(commerce_views.clicked_at, EXCLUDED.clicked_at)`;
  }

  async counts(momentIds: string[]): Promise<Map<string, MomentCounts>> {
    const result = new Map<string, MomentCounts>(momentIds.map((id) => [id, { impressions: 0, clicks: 0, claims: 0, claimers: 0 }]));
    if (!momentIds.length) return result;
    const [views, clicks, claims] = await Promise.all([
      this.prisma.commerceView.groupBy({ by: ['momentId'], where: { momentId: { in: momentIds } }, _count: { _all: true } }),
      this.prisma.commerceView.groupBy({ by: ['momentId'], where: { momentId: { in: momentIds }, clickedAt: { not: null } }, _count: { _all: true } }),
      this.prisma.commerceClaim.groupBy({ by: ['momentId'], where: { momentId: { in: momentIds } }, _count: { _all: true }, _sum: { units: true } }),
    ]);
    for (const v of views) result.get(v.momentId)!.impressions = v._count._all;
    for (const c of clicks) result.get(c.momentId)!.clicks = c._count._all;
    for (const c of claims) Object.assign(result.get(c.momentId)!, { claimers: c._count._all, claims: c._sum.units ?? 0 });
    return result;
  }

  /** The broadcast's start and the VOD made from it (VOD replay places moments from the start). */
  async vodSession(vodId: string): Promise<{ channelId: string; liveSessionId: string | null; startedAt: Date | null; visibility: ChannelVisibility; ownerId: string } | null> {
    const vod = await this.prisma.vod.findUnique({ where: { id: vodId }, select: { channelId: true, liveSessionId: true, channel: { select: { visibility: true, ownerId: true } } } });
    if (!vod) return null;
    const session = vod.liveSessionId ? await this.prisma.liveSession.findUnique({ where: { id: vod.liveSessionId }, select: { createdAt: true } }) : null;
    return { channelId: vod.channelId, liveSessionId: vod.liveSessionId, startedAt: session?.createdAt ?? null, visibility: vod.channel.visibility, ownerId: vod.channel.ownerId };
  }

  /** A broadcast with its channel's owner (for the tenant rule) and its start (the timeline's 0), or null. */
  async sessionWithOwner(liveSessionId: string): Promise<{ createdAt: Date; channelId: string; ownerId: string } | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id: liveSessionId }, select: { createdAt: true, channelId: true, channel: { select: { ownerId: true } } } });
    return row ? { createdAt: row.createdAt, channelId: row.channelId, ownerId: row.channel.ownerId } : null;
  }
}
