import type { ApiToken } from '@onda/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format';

/** One API token in a table: name, prefix, its scopes (when asked), last use, then `revoked` or the `action` while it is active. */
export function TokenRow({ token, scopes = false, revoked, action }: { token: ApiToken; scopes?: boolean; revoked: string; action: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <tr className={token.revokedAt ? 'table__row--muted' : undefined}>
      <td className="table__primary">{token.name}</td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      {scopes && (
        <td>
          <ul className="chips">
            {token.scopes.map((s) => (
              <li key={s} className="chip">
                {s}
              </li>
            ))}
          </ul>
        </td>
      )}
      <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt, i18n.language) : t('console.tokens.never')}</td>
      <td className="table__actions">{token.revokedAt ? <span className="muted">{revoked}</span> : action}</td>
    </tr>
  );
}
