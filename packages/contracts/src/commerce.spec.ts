import { describe, expect, it } from 'vitest';
import { CreateCommerceMomentSchema, currencyDigits, formatPrice, fromMinorUnits, isKnownCurrency, toMinorUnits } from './commerce.js';

describe('commerce prices', () => {
  it('knows each currency\'s minor unit from Intl', () => {
    expect(currencyDigits('KRW')).toBe(0);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('BHD')).toBe(3);
  });

  it('converts major to minor units and refuses amounts finer than the currency', () => {
    expect(toMinorUnits(19900, 'KRW')).toBe(19900);
    expect(toMinorUnits(12.5, 'USD')).toBe(1250);
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinorUnits(100.5, 'KRW')).toBeNull();
    expect(toMinorUnits(1.005, 'USD')).toBeNull();
    expect(fromMinorUnits(1250, 'USD')).toBe(12.5);
    expect(fromMinorUnits(19900, 'KRW')).toBe(19900);
  });

  it('formats in the viewer\'s language with the price\'s currency', () => {
    expect(formatPrice(19900, 'KRW', 'ko')).toBe('₩19,900');
    expect(formatPrice(19900, 'KRW', 'en')).toBe('₩19,900');
    expect(formatPrice(12.5, 'USD', 'en')).toBe('$12.50');
    expect(formatPrice(12.5, 'USD', 'ko')).toBe('US$12.50');
    expect(formatPrice(1500, 'JPY', 'ko')).toBe('JP¥1,500');
  });

  it('accepts ISO 4217 codes only', () => {
    expect(isKnownCurrency('KRW')).toBe(true);
    expect(isKnownCurrency('EUR')).toBe(true);
    expect(isKnownCurrency('krw')).toBe(false);
    expect(isKnownCurrency('XYZ')).toBe(false);
    expect(CreateCommerceMomentSchema.safeParse({ kind: 'product', title: 'x', price: { amount: 1, currency: 'XYZ' } }).success).toBe(false);
  });

  it('drops default to a coupon, one per viewer, open to anonymous viewers', () => {
    expect(CreateCommerceMomentSchema.parse({ kind: 'drop', title: 'x', quantity: 3 })).toEqual({ kind: 'drop', dropKind: 'coupon', title: 'x', quantity: 3, perViewerLimit: 1, requireAccount: false });
    expect(CreateCommerceMomentSchema.safeParse({ kind: 'drop', title: 'x', quantity: 0 }).success).toBe(false);
    expect(CreateCommerceMomentSchema.safeParse({ kind: 'drop', title: 'x', quantity: 3, extra: 1 }).success).toBe(false);
    expect(CreateCommerceMomentSchema.safeParse({ kind: 'sponsor', title: 'x', url: 'javascript:alert(1)' }).success).toBe(false);
  });
});
