import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';
import { StatePanel } from '../components/state-panel';
import { formatDateTime } from '../i18n/format';
import { FormError } from './fields';

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
      <section className="panel" data-testid="person-sessions">
        <h2 className="panel__title">{t('console.person.sessions')}</h2>
        {sessions.error ? (
          <StatePanel icon="!" tone="error" title={errorText(t, sessions.error)} />
        ) : !sessions.data ? (
          <div className="spinner" />
        ) : sessions.data.length === 0 ? (
          <p className="muted">{t('console.person.noSessions')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('console.person.created')}</th>
                  <th>{t('console.person.expires')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sessions.data.map((s) => (
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
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" data-testid="person-tokens">
        <h2 className="panel__title">{t('console.person.tokens')}</h2>
        {tokens.error ? (
          <StatePanel icon="!" tone="error" title={errorText(t, tokens.error)} />
        ) : !tokens.data ? (
          <div className="spinner" />
        ) : tokens.data.length === 0 ? (
          <p className="muted">{t('console.person.noTokens')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('console.tokens.name')}</th>
                  <th>{t('console.tokens.prefix')}</th>
                  <th>{t('console.tokens.lastUsed')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {tokens.data.map((token) => (
                  <tr key={token.id} className={token.revokedAt ? 'table__row--muted' : undefined}>
                    <td className="table__primary">{token.name}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt, i18n.language) : t('console.tokens.never')}</td>
                    <td className="table__actions">
                      {token.revokedAt ? (
                        <span className="muted">{t('console.person.revoked')}</span>
                      ) : (
                        <button type="button" className="button button--small button--danger" onClick={() => void run(() => api.revokePersonToken(userId, token.id), tokens.reload)}>
                          {t('console.person.revokeToken')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <FormError message={error} />
    </>
  );
}
