import type { CommerceMomentAdmin, CreateCommerceMoment } from '@onda/contracts';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { CommerceClient, setCommerceClient } from '../commerce/commerce-api';
import { memoryStore } from '../chat/chat-storage';
import { makeChannel } from '../test/fixtures';
import { CommercePage } from './commerce-page';
import { FakeConsoleApi, renderConsole } from './testing';

const drop: CommerceMomentAdmin = {
  id: '00000000-0000-4000-8000-000000000001', channelId: '00000000-0000-4000-8000-000000000002', kind: 'drop', status: 'draft', title: '10% 쿠폰', message: null, url: null, imageUrl: null,
  price: null, displaySeconds: null, drop: { kind: 'coupon', quantity: 50, remaining: 38, perViewerLimit: 1, windowSeconds: 600, requireAccount: false }, shownAt: null, hiddenAt: null, endsAt: null,
  code: 'ONDA10', stats: { impressions: 1200, clicks: 0, claims: 12, claimers: 12, conversion: 0.01 }, createdAt: '2027-03-01T12:00:00.000Z',
};

/** The commerce REST as the console page uses it, in memory. */
class FakeCommerce extends CommerceClient {
  items: CommerceMomentAdmin[] = [];
  created: CreateCommerceMoment[] = [];
  shown: string[] = [];

  constructor() {
    super(memoryStore());
  }
  override list(): Promise<CommerceMomentAdmin[]> {
    return Promise.resolve(this.items);
  }
  override create(_channel: string, body: CreateCommerceMoment): Promise<CommerceMomentAdmin> {
    // As the API: won has no smaller unit.
    if (body.kind === 'product' && body.price.currency === 'KRW' && !Number.isInteger(body.price.amount)) {
      return Promise.reject(new ApiError('validation_failed', 400, 'price: KRW has no smaller unit than that'));
    }
    this.created.push(body);
    const made = { ...drop, id: `00000000-0000-4000-8000-00000000010${this.created.length}`, title: body.title };
    this.items = [made, ...this.items];
    return Promise.resolve(made);
  }
  override show(_channel: string, id: string): Promise<CommerceMomentAdmin> {
    this.shown.push(id);
    this.items = this.items.map((m) => (m.id === id ? { ...m, status: 'shown' } : m));
    return Promise.resolve(this.items.find((m) => m.id === id)!);
  }
}

describe(CommercePage.name, () => {
  let api: FakeConsoleApi;
  let commerce: FakeCommerce;

  beforeEach(() => {
    api = new FakeConsoleApi();
    api.channels.set('show', makeChannel({ slug: 'show', title: 'The Show' }));
    commerce = new FakeCommerce();
    setCommerceClient(commerce);
  });
  afterEach(() => setCommerceClient(null));

  it('lists moments with their numbers in Korean, and shows one', async () => {
    commerce.items = [drop];
    renderConsole('/console/channels/show/commerce', api, 'ko');
    const row = await screen.findByTestId('commerce-moment');
    expect(screen.getByTestId('stat-impressions').textContent).toBe('1,200');
    expect(screen.getByTestId('stat-claims').textContent).toBe('50개 중 12개 (12명)');
    expect(screen.getByTestId('stat-conversion').textContent).toBe('1%');
    expect(row.textContent).toContain('ONDA10');
    fireEvent.click(screen.getByTestId('commerce-show'));
    await waitFor(() => expect(commerce.shown).toEqual([drop.id]));
    await waitFor(() => expect(screen.getByTestId('commerce-moment').getAttribute('data-status')).toBe('shown'));
  });

  it('prepares a product priced in won; a price the API refuses and empty fields say why', async () => {
    renderConsole('/console/channels/show/commerce', api);
    await screen.findByTestId('commerce-empty');
    const field = (name: string) => document.querySelector<HTMLInputElement>(`[name=${name}]`)!;
    fireEvent.change(field('title'), { target: { value: '무선 이어폰' } });
    fireEvent.change(field('amount'), { target: { value: '39000.5' } });
    fireEvent.click(screen.getByTestId('commerce-create'));
    expect((await screen.findByRole('alert')).textContent).toBe('price: KRW has no smaller unit than that');
    expect(commerce.created).toEqual([]);
    fireEvent.change(field('amount'), { target: { value: '39000' } });
    fireEvent.click(screen.getByTestId('commerce-create'));
    await screen.findByTestId('commerce-moment');
    expect(commerce.created).toEqual([{ kind: 'product', title: '무선 이어폰', price: { amount: 39000, currency: 'KRW' } }]);
    // Nothing filled in: the form says which fields, and sends nothing.
    fireEvent.click(screen.getByTestId('commerce-create'));
    expect((await screen.findByRole('alert')).textContent).toBe('Check these fields: title, price.amount');
    expect(commerce.created).toHaveLength(1);
  });
});
