import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';
import { formatDateTime } from '../i18n/format';
import { FormError } from './fields';
import { PanelTable } from './loaded-table';
import { TokenRow } from './token-row';

/** One account's console sessions and API tokens, each revocable (the account itself, or an operator). */
export function SessionsAndTokens({ userId }: { userId: string }) {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const sessions = useLoad(`person-sessions-${userId}`, (signal) => api.listPersonSessions(userId, signal));
  const tokens = useLoad(`person-tokens-${userId}`, (signal) => api.listPersonTokens(userId, signal));
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<void>, reload: () => void) => {
    setError(null);
    try {
      await action();
      reload();
    } catch (caught) {
      setError(errorText(t, caught));
    }
  };

  return (
    <>
      <PanelTable
        title={t('console.person.sessions')}
        testId="person-sessions"
        state={sessions}
        empty={t('console.person.noSessions')}
        head={[t('console.person.created'), t('console.person.expires'), '']}
        row={(s) => (
          <tr key={s.id}>
            <td className="table__primary">
              {formatDateTime(s.createdAt, i18n.language)}
              {s.current && <span className="badge badge--ok"> {t('console.person.current')}</span>}
            </td>
            <td>{formatDateTime(s.expiresAt, i18n.language)}</td>
            <td className="table__actions">
              <button type="button" className="button button--small" onClick={() => void run(() => api.revokePersonSession(userId, s.id), sessions.reload)}>
                {t('console.person.revoke')}
              </button>
            </td>
          </tr>
        )}
      />
      <PanelTable
        title={t('console.person.tokens')}
        testId="person-tokens"
        state={tokens}
        empty={t('console.person.noTokens')}
        head={[t('console.tokens.name'), t('console.tokens.prefix'), t('console.tokens.lastUsed'), '']}
        row={(token) => (
          <TokenRow
            key={token.id}
            token={token}
            revoked={t('console.person.revoked')}
            action={
              <button type="button" className="button button--small button--danger" onClick={() => void run(() => api.revokePersonToken(userId, token.id), tokens.reload)}>
                {t('console.person.revokeToken')}
              </button>
            }
          />
        )}
      />
      <FormError message={error} />
    </>
  );
}
