import { describe, expect, it } from 'vitest';
import type { MomentRecord } from './commerce.repository.js';
import { claimRefusal, endsAt, momentDto, newMomentFields, statsOf } from './commerce.rules.js';

const NOW = new Date('2027-03-01T12:00:00Z');

function drop(over: Partial<MomentRecord> = {}): MomentRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001', channelId: '00000000-0000-4000-8000-000000000002', kind: 'drop', status: 'shown', title: '쿠폰', message: null, url: null, imageKey: null,
    priceMinor: null, listPriceMinor: null, currency: null, displaySeconds: null, dropKind: 'coupon', code: 'ONDA', quantity: 10, claimed: 0, perViewerLimit: 1, windowSeconds: 60,
    requireAccount: false, liveSessionId: null, shownAt: new Date(NOW.getTime() - 30_000), hiddenAt: null, createdBy: 'u:x', createdAt: NOW, updatedAt: NOW, ...over,
  };
}

describe('claimRefusal', () => {
  it('lets a viewer claim an open drop in its window', () => {
    expect(claimRefusal(drop(), NOW, 0, false)).toBeNull();
  });

  it('refuses what is not a drop, not shown, over, sold out, or past the viewer\'s limit', () => {
    expect(claimRefusal(drop({ kind: 'product', quantity: null }), NOW, 0, false)).toMatchObject({ code: 'unprocessable' });
    expect(claimRefusal(drop({ status: 'draft', shownAt: null }), NOW, 0, false)).toMatchObject({ code: 'conflict', detail: 'This drop is not open' });
    expect(claimRefusal(drop({ status: 'hidden' }), NOW, 0, false)).toMatchObject({ code: 'conflict' });
    expect(claimRefusal(drop({ shownAt: new Date(NOW.getTime() - 60_000) }), NOW, 0, false)).toMatchObject({ code: 'gone', detail: 'The claim window of this drop is over' });
    expect(claimRefusal(drop({ claimed: 10 }), NOW, 0, false)).toMatchObject({ code: 'gone', detail: 'All 10 have been claimed' });
    expect(claimRefusal(drop(), NOW, 1, false)).toMatchObject({ code: 'conflict', detail: 'You already claimed this drop' });
    expect(claimRefusal(drop({ perViewerLimit: 3 }), NOW, 2, false)).toBeNull();
    expect(claimRefusal(drop({ perViewerLimit: 3 }), NOW, 3, false)).toMatchObject({ code: 'conflict', detail: 'You already claimed this drop 3 times (the limit)' });
  });

  it('tells an anonymous viewer to sign in for an accounts-only drop', () => {
    expect(claimRefusal(drop({ requireAccount: true }), NOW, 0, false)).toMatchObject({ code: 'unauthenticated' });
    expect(claimRefusal(drop({ requireAccount: true }), NOW, 0, true)).toBeNull();
  });

  it('says "already claimed" before "sold out" to the viewer who took one of the last units', () => {
    expect(claimRefusal(drop({ claimed: 10 }), NOW, 1, false)).toMatchObject({ code: 'conflict' });
  });

  it('keeps a drop without a window open until it is hidden', () => {
    expect(claimRefusal(drop({ windowSeconds: null, shownAt: new Date(0) }), NOW, 0, false)).toBeNull();
  });
});

describe('moment fields', () => {
  it('stores prices in minor units and answers them in major units', () => {
    const fields = newMomentFields('c', { kind: 'product', title: 'p', price: { amount: 12.99, currency: 'USD', listAmount: 15 } }, 'u:1');
    expect(fields).toMatchObject({ priceMinor: 1299, listPriceMinor: 1500, currency: 'USD' });
    const dto = momentDto({ ...drop({ kind: 'product', quantity: null, dropKind: null, windowSeconds: null }), priceMinor: 1299, listPriceMinor: 1500, currency: 'USD', imageKey: 'commerce/c/p.png' }, 'https://cdn.example.com/media/');
    expect(dto.price).toEqual({ amount: 12.99, currency: 'USD', listAmount: 15 });
    expect(dto.imageUrl).toBe('https://cdn.example.com/media/commerce/c/p.png');
    expect(dto.drop).toBeNull();
  });

  it('refuses a price finer than its currency and a list price below the price', () => {
    expect(() => newMomentFields('c', { kind: 'product', title: 'p', price: { amount: 99.5, currency: 'KRW' } }, 'u')).toThrow(/KRW/);
    expect(() => newMomentFields('c', { kind: 'product', title: 'p', price: { amount: 100, currency: 'KRW', listAmount: 90 } }, 'u')).toThrow(/below/);
  });

  it('ends a sponsor card after its display time and a drop after its window', () => {
    expect(endsAt({ kind: 'sponsor', shownAt: NOW, displaySeconds: 30, windowSeconds: null })).toEqual(new Date(NOW.getTime() + 30_000));
    expect(endsAt({ kind: 'drop', shownAt: NOW, displaySeconds: null, windowSeconds: 60 })).toEqual(new Date(NOW.getTime() + 60_000));
    expect(endsAt({ kind: 'product', shownAt: NOW, displaySeconds: null, windowSeconds: null })).toBeNull();
    expect(momentDto(drop({ claimed: 4 }), 'x').drop).toMatchObject({ quantity: 10, remaining: 6 });
  });

  it('converts claimers (drops) or clickers per impression', () => {
    expect(statsOf('drop', { impressions: 4, clicks: 0, claims: 3, claimers: 2 }).conversion).toBe(0.5);
    expect(statsOf('product', { impressions: 4, clicks: 1, claims: 0, claimers: 0 }).conversion).toBe(0.25);
    expect(statsOf('drop', { impressions: 0, clicks: 0, claims: 0, claimers: 0 }).conversion).toBe(0);
  });
});
