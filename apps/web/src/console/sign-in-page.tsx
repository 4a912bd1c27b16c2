import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useConsoleApi } from '../api/console-context';
import { FormError, TextField } from './fields';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';
import './console.css';

/** Wrong password, or too many attempts (finding 8: the server throttles per account and address). */
function signInError(t: TFunction, caught: unknown): string | null {
  if (!(caught instanceof ApiError)) return null;
  if (caught.status === 401) return t('console.signIn.wrong');
  if (caught.status === 429) return t('console.signIn.locked', { minutes: Math.max(1, Math.ceil((caught.retryAfterSeconds ?? 60) / 60)) });
  return null;
}

/** `/console/sign-in`: the admin sign-in, or the first-run setup while the server has no admin yet. */
export function SignInPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const navigate = useNavigate();
  const location = useLocation();
  const setup = useLoad('setup', () => api.setupNeeded());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const firstRun = setup.data === true;
  const from = (location.state as { from?: string } | null)?.from;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (firstRun) await api.setup(email, password);
      else await api.signIn(email, password);
      void navigate(from?.startsWith('/console') && from !== location.pathname ? from : '/console', { replace: true });
    } catch (caught) {
      setError(signInError(t, caught) ?? errorText(t, caught));
    } finally {
      setBusy(false);
    }
  };

  if (setup.loading) return <div className="spinner console-spinner" />;
  return (
    <div className="auth">
      <form className="auth__card" onSubmit={(e) => void submit(e)} data-testid={firstRun ? 'setup-form' : 'sign-in-form'}>
        <h1 className="auth__title">{firstRun ? t('console.setup.title') : t('console.signIn.title')}</h1>
        <p className="auth__hint">{firstRun ? t('console.setup.hint') : t('console.signIn.hint')}</p>
        <TextField name="email" type="email" label={t('console.signIn.email')} value={email} onChange={setEmail} autoComplete="username" required />
        <TextField
          name="password"
          type="password"
          label={t('console.signIn.password')}
          value={password}
          onChange={setPassword}
          autoComplete={firstRun ? 'new-password' : 'current-password'}
          hint={firstRun ? t('console.setup.passwordHint') : undefined}
          required
        />
        <FormError message={error} />
        <button type="submit" className="button button--accent button--block" disabled={busy}>
          {firstRun ? t('console.setup.submit') : t('console.signIn.submit')}
        </button>
      </form>
    </div>
  );
}
