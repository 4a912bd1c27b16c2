import type { ApiToken } from '@onda/contracts';
import { render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { TokenRow } from './token-row';

const token: ApiToken = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'CI deploys',
  prefix: 'onda_ab12',
  scopes: ['channels:read', 'vods:write'],
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
};

function show(t: ApiToken, scopes?: boolean) {
  return render(
    <I18nextProvider i18n={createI18n('en')}>
      <table>
        <tbody>
          <TokenRow token={t} scopes={scopes} revoked="Revoked" action={<button type="button">Revoke</button>} />
        </tbody>
      </table>
    </I18nextProvider>,
  );
}

describe(TokenRow.name, () => {
  it('shows name, prefix and "Never" for an unused active token, with its action and no scopes unless asked', () => {
    show(token);
    const row = screen.getByRole('row');
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['CI deploys', 'onda_ab12…', 'Never', 'Revoke']);
    expect(row.className).toBe('');
  });

  it('lists the scopes when asked, and says revoked instead of the action on a revoked token', () => {
    show({ ...token, revokedAt: '2026-12-02T10:00:00.000Z' }, true);
    const row = screen.getByRole('row');
    expect(within(row).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['channels:read', 'vods:write']);
    expect(within(row).queryByRole('button')).toBeNull();
    expect(within(row).getByText('Revoked')).toBeTruthy();
    expect(row.className).toBe('table__row--muted');
  });
});
