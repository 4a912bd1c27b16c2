import { fromMinorUnits, toMinorUnits, type CommerceMoment, type CommerceStats, type CreateCommerceMoment } from '@onda/contracts';
import { AppError } from '../common/app-error.js';
import type { MomentCounts, MomentRecord, NewMoment } from './commerce.repository.js';

/** The row fields of a new moment; prices go to the currency's minor units (a price with too many decimals is a 400). */
export function newMomentFields(channelId: string, body: CreateCommerceMoment, createdBy: string): NewMoment {
  const base = { channelId, kind: body.kind, title: body.title, message: body.message ?? null, url: body.url ?? null, createdBy };
  switch (body.kind) {
    case 'product': {
      const { amount, currency, listAmount } = body.price;
      const priceMinor = toMinorUnits(amount, currency);
      const listPriceMinor = listAmount === undefined ? null : toMinorUnits(listAmount, currency);
      if (priceMinor === null || (listAmount !== undefined && listPriceMinor === null)) throw new AppError('validation_failed', `price: ${currency} has no smaller unit than that`, [{ path: 'price.amount', message: `too many decimals for ${currency}` }]);
      if (listPriceMinor !== null && listPriceMinor < priceMinor) throw new AppError('validation_failed', 'price.listAmount: the list price is below the price', [{ path: 'price.listAmount', message: 'below the price' }]);
      return { ...base, priceMinor, listPriceMinor, currency };
    }
    case 'sponsor':
      return { ...base, displaySeconds: body.displaySeconds ?? null };
    case 'drop':
      return { ...base, dropKind: body.dropKind, code: body.code ?? null, quantity: body.quantity, perViewerLimit: body.perViewerLimit, windowSeconds: body.windowSeconds ?? null, requireAccount: body.requireAccount };
  }
}

/** When a shown moment stops by itself: a sponsor card's display time, a drop's claim window; null = when hidden. */
export function endsAt(row: Pick<MomentRecord, 'kind' | 'shownAt' | 'displaySeconds' | 'windowSeconds'>): Date | null {
  const seconds = row.kind === 'drop' ? row.windowSeconds : row.displaySeconds;
  return row.shownAt && seconds ? new Date(row.shownAt.getTime() + seconds * 1000) : null;
}

/**
 * Why a viewer holding `units` may not claim one more unit now, or null if they may. The database decides for
 * real (one conditional UPDATE); this answers the refusal clearly and saves a locking write for the obvious cases.
 */
export function claimRefusal(row: MomentRecord, now: Date, units: number, signedIn: boolean): AppError | null {
  if (row.kind !== 'drop' || row.quantity === null) return new AppError('unprocessable', 'Only coupon and giveaway drops are claimed');
  if (row.status !== 'shown' || !row.shownAt) return new AppError('conflict', 'This drop is not open');
  if (row.requireAccount && !signedIn) return new AppError('unauthenticated', 'Sign in to claim this drop');
  const end = endsAt(row);
  if (end && now >= end) return new AppError('gone', 'The claim window of this drop is over');
  if (units >= row.perViewerLimit) return new AppError('conflict', row.perViewerLimit === 1 ? 'You already claimed this drop' : `You already claimed this drop ${row.perViewerLimit} times (the limit)`);
  if (row.claimed >= row.quantity) return new AppError('gone', `All ${row.quantity} have been claimed`);
  return null;
}

export function statsOf(kind: string, c: MomentCounts): CommerceStats {
  const converted = kind === 'drop' ? c.claimers : c.clicks;
  return { ...c, conversion: c.impressions ? Math.min(1, converted / c.impressions) : 0 };
}

export function momentDto(row: MomentRecord, mediaBaseUrl: string): CommerceMoment {
  const currency = row.currency;
  const end = endsAt(row);
  return {
    id: row.id,
    channelId: row.channelId,
    kind: row.kind as CommerceMoment['kind'],
    status: row.status as CommerceMoment['status'],
    title: row.title,
    message: row.message,
    url: row.url,
    imageUrl: row.imageKey ? `${mediaBaseUrl.replace(/\/+$/, '')}/${row.imageKey}` : null,
    price:
      currency && row.priceMinor !== null
        ? { amount: fromMinorUnits(row.priceMinor, currency), currency, listAmount: row.listPriceMinor === null ? null : fromMinorUnits(row.listPriceMinor, currency) }
        : null,
    displaySeconds: row.displaySeconds,
    drop:
      row.kind === 'drop' && row.quantity !== null
        ? {
            kind: (row.dropKind ?? 'coupon') as 'coupon' | 'giveaway',
            quantity: row.quantity,
            remaining: Math.max(0, row.quantity - row.claimed),
            perViewerLimit: row.perViewerLimit,
            windowSeconds: row.windowSeconds,
            requireAccount: row.requireAccount,
          }
        : null,
    shownAt: row.shownAt?.toISOString() ?? null,
    hiddenAt: row.hiddenAt?.toISOString() ?? null,
    endsAt: end?.toISOString() ?? null,
  };
}
