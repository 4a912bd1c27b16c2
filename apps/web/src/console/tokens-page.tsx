import { Scopes, type ApiToken, type CreatedApiToken, type Scope } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { ConfirmDialog } from './confirm-dialog';
import { CheckField, FormError, SubmitRow, TextField } from './fields';
import { useAction } from './use-action';
import { SecretOnce } from './secret-once';
import { useLoad } from '../api/use-load';
import { LoadedTable } from './loaded-table';
import { TokenRow } from './token-row';

type Choice = Scope | '*';

/** `/console/tokens`: API tokens for automation; each token is shown once when created. */
export function TokensPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const tokens = useLoad('tokens', (signal) => api.listTokens(signal));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Choice[]>(['channels:read']);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const { busy, error, attempt } = useAction();

  const run = (action: () => Promise<void>) =>
    attempt(async () => {
      await action();
      tokens.reload();
    });
  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setCreated(await api.createToken({ name: name.trim(), scopes }));
      setName('');
    });
  };
  const toggle = (scope: Choice, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.tokens.title')}</h1>
        <p className="page__subtitle">{t('console.tokens.subtitle')}</p>
      </div>
      {created && <SecretOnce title={t('console.tokens.created', { name: created.name })} value={created.token} onDone={() => setCreated(null)} testId="new-token" />}
      <form className="form panel" onSubmit={create} data-testid="token-form">
        <h2 className="panel__title">{t('console.tokens.new')}</h2>
        <TextField name="name" label={t('console.tokens.name')} value={name} onChange={setName} required />
        <fieldset className="fieldset">
          <legend className="field__label">{t('console.tokens.scopes')}</legend>
          <div className="checks">
            {(['*', ...Scopes] as Choice[]).map((scope) => (
              <CheckField key={scope} name="scope" label={scope === '*' ? t('console.tokens.allScopes') : <code>{scope}</code>} checked={scopes.includes(scope)} onChange={(on) => toggle(scope, on)} />
            ))}
          </div>
        </fieldset>
        <FormError message={error} />
        <SubmitRow disabled={busy || scopes.length === 0}>
          {t('console.tokens.create')}
        </SubmitRow>
      </form>
      <LoadedTable
        state={tokens}
        empty={t('console.tokens.empty')}
        testId="token-table"
        head={[t('console.tokens.name'), t('console.tokens.prefix'), t('console.tokens.scopes'), t('console.tokens.lastUsed'), '']}
        row={(token) => (
          <TokenRow
            key={token.id}
            token={token}
            scopes
            revoked={t('console.tokens.revoked')}
            action={
              <button type="button" className="button button--small button--danger" onClick={() => setRevoking(token)}>
                {t('console.tokens.revoke')}
              </button>
            }
          />
        )}
      />
      {revoking && (
        <ConfirmDialog
          title={t('console.tokens.revokeTitle', { name: revoking.name })}
          body={t('console.tokens.revokeBody')}
          confirmLabel={t('console.tokens.revoke')}
          busy={busy}
          onConfirm={() => void run(() => api.revokeToken(revoking.id).then(() => setRevoking(null)))}
          onCancel={() => setRevoking(null)}
        />
      )}
    </div>
  );
}
