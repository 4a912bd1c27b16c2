import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { useAction } from './use-action';
import { useLoad } from '../api/use-load';
import { FormError, SubmitRow, TextField } from './fields';
import { SessionsAndTokens } from './person-panels';

/** `/console/account`: my password, and my sessions and tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const me = useLoad('me', (signal) => api.me(signal));
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState(false);
  const { busy, error, attempt } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    await attempt(async () => {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setSaved(true);
    });
  };

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.account.title')}</h1>
        <p className="page__subtitle">{me.data ? `${me.data.displayName} · ${me.data.email}` : t('console.account.subtitle')}</p>
      </div>
      <form className="form panel" onSubmit={(e) => void submit(e)} data-testid="password-form">
        <h2 className="panel__title">{t('console.account.password')}</h2>
        <TextField name="current" type="password" label={t('console.account.current')} value={current} onChange={setCurrent} autoComplete="current-password" required />
        <TextField name="new" type="password" label={t('console.account.new')} value={next} onChange={setNext} autoComplete="new-password" hint={t('console.account.newHint')} required min={12} />
        <FormError message={error} />
        {saved && (
          <p className="muted" role="status">
            {t('console.account.saved')}
          </p>
        )}
        <SubmitRow disabled={busy || next.length < 12}>
          {t('console.account.save')}
        </SubmitRow>
      </form>
      {me.data && <SessionsAndTokens userId={me.data.id} />}
    </div>
  );
}
