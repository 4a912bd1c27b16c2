import { z } from 'zod';

/**
 * Sponsor and commerce moments (issue 14): product cards, sponsor cards and coupon/giveaway drops a producer
 * prepares and shows during a live. Viewers see them over the player and in chat (a `commerce` chat item), and
 * act on them over REST: an impression, a click, a claim (drops only, once per viewer up to its limit).
 */
export const CommerceKinds = ['product', 'sponsor', 'drop'] as const;
export type CommerceKind = (typeof CommerceKinds)[number];
export const CommerceStatuses = ['draft', 'shown', 'hidden'] as const;
export const DropKinds = ['coupon', 'giveaway'] as const;

/** Image uploads for product cards and sponsor logos. */
export const COMMERCE_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const COMMERCE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** Decimal places of a currency's minor unit, as Intl knows them (KRW 0, USD 2, JPY 0, BHD 3). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** ISO 4217 codes this runtime's Intl knows. */
export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported ? supported('currency').includes(code) : true;
}

/** A price in major units (19900 KRW, 12.5 USD) to integer minor units (19900, 1250); null if it has too many decimals. */
export function toMinorUnits(amount: number, currency: string): number | null {
  const factor = 10 ** currencyDigits(currency);
  const minor = Math.round(amount * factor);
  return Math.abs(minor - amount * factor) < 1e-6 ? minor : null;
}

export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** `₩19,900` in `ko`/`en` for KRW, `US$12.50` in `ko`, `$12.50` in `en`: the viewer's language, the price's currency. */
export function formatPrice(amount: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
}

export const PriceSchema = z.object({
  /** Major units (19900 for ₩19,900; 12.5 for $12.50). */
  amount: z.number().nonnegative().max(1_000_000_000),
  currency: z.string().refine(isKnownCurrency, 'an ISO 4217 currency code such as KRW or USD'),
  /** The price before the discount, shown struck through. */
  listAmount: z.number().nonnegative().max(1_000_000_000).optional(),
});
export type Price = z.infer<typeof PriceSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
const link = z.url({ protocol: /^https?$/ }).max(2000);

export const CreateCommerceMomentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('product'), title: text(100), message: text(300).optional(), url: link.optional(), price: PriceSchema }).strict(),
  z
    .object({
      kind: z.literal('sponsor'),
      title: text(100),
      message: text(300).optional(),
      url: link.optional(),
      /** How long the card stays up once shown (5 s to 1 h); absent = until hidden. */
      displaySeconds: z.number().int().min(5).max(3600).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('drop'),
      dropKind: z.enum(DropKinds).default('coupon'),
      title: text(100),
      message: text(300).optional(),
      url: link.optional(),
      /** Revealed to a viewer only once they claimed (a coupon code). */
      code: text(64).optional(),
      quantity: z.number().int().min(1).max(1_000_000),
      perViewerLimit: z.number().int().min(1).max(100).default(1),
      /** Claims are taken for this long after the drop is shown (10 s to 24 h); absent = until hidden. */
      windowSeconds: z.number().int().min(10).max(86_400).optional(),
      /** Only signed-in accounts may claim (default: anonymous viewers too, by their chat device). */
      requireAccount: z.boolean().default(false),
    })
    .strict(),
]);
export type CreateCommerceMoment = z.infer<typeof CreateCommerceMomentSchema>;

/** Viewer -> server: an impression (the card was on screen) or a click on its link. */
export const CommerceEventSchema = z.object({ type: z.enum(['impression', 'click']) }).strict();
export type CommerceEvent = z.infer<typeof CommerceEventSchema>;

export const CommerceStatsSchema = z.object({
  /** Viewers the card was on screen for (each counted once). */
  impressions: z.number().int().nonnegative(),
  /** Viewers who clicked its link (each once). */
  clicks: z.number().int().nonnegative(),
  /** Units claimed, and by how many viewers. */
  claims: z.number().int().nonnegative(),
  claimers: z.number().int().nonnegative(),
  /** claimers / impressions for drops, clicks / impressions otherwise (0-1; 0 without impressions). */
  conversion: z.number().nonnegative(),
});
export type CommerceStats = z.infer<typeof CommerceStatsSchema>;

/** A moment as viewers see it (no coupon code, no statistics). */
export const CommerceMomentSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  kind: z.enum(CommerceKinds),
  status: z.enum(CommerceStatuses),
  title: z.string(),
  message: z.string().nullable(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  price: z.object({ amount: z.number(), currency: z.string(), listAmount: z.number().nullable() }).nullable(),
  displaySeconds: z.number().int().nullable(),
  drop: z
    .object({
      kind: z.enum(DropKinds),
      quantity: z.number().int(),
      remaining: z.number().int(),
      perViewerLimit: z.number().int(),
      windowSeconds: z.number().int().nullable(),
      requireAccount: z.boolean(),
    })
    .nullable(),
  shownAt: z.string().nullable(),
  hiddenAt: z.string().nullable(),
  /** When it stops on its own: the sponsor card's display time, or the drop's claim window. */
  endsAt: z.string().nullable(),
});
export type CommerceMoment = z.infer<typeof CommerceMomentSchema>;

/** The channel's moments for the console: everything, with the coupon code and statistics. */
export const CommerceMomentAdminSchema = CommerceMomentSchema.extend({
  code: z.string().nullable(),
  stats: CommerceStatsSchema,
  createdAt: z.string(),
});
export type CommerceMomentAdmin = z.infer<typeof CommerceMomentAdminSchema>;

/** What a viewer gets for the channel's shown moments: with how many units they hold of each drop. */
export const CommerceViewerMomentSchema = CommerceMomentSchema.extend({ yourClaims: z.number().int().nonnegative() });
export type CommerceViewerMoment = z.infer<typeof CommerceViewerMomentSchema>;

export const CommerceClaimSchema = z.object({
  momentId: z.string().uuid(),
  /** Units this viewer holds now, and how many the drop has left. */
  yourClaims: z.number().int().positive(),
  remaining: z.number().int().nonnegative(),
  /** The coupon code, if the drop has one. */
  code: z.string().nullable(),
  claimedAt: z.string(),
});
export type CommerceClaim = z.infer<typeof CommerceClaimSchema>;

/** A moment's place in a recording: seconds from the start of the broadcast (VOD replay, reaction timeline). */
export const CommerceMarkerSchema = z.object({
  moment: CommerceMomentSchema,
  atSeconds: z.number().nonnegative(),
  untilSeconds: z.number().nonnegative().nullable(),
});
export type CommerceMarker = z.infer<typeof CommerceMarkerSchema>;
