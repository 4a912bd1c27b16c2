import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { useAction } from './use-action';
import { useLoad } from '../api/use-load';
import { formatDateTime } from '../i18n/format';
import { FormError, TextField } from './fields';
import './console.css';

/** The token of a single-use link: it travels in the fragment (#token=…), which browsers never send to the server. */
function useLinkToken(): string {
  const { hash } = useLocation();
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/** `/console/accept#token=…`: an invitee chooses a name and a password; that creates the account and signs it in. */
export function AcceptInvitationPage() {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const navigate = useNavigate();
  const token = useLinkToken();
  const preview = useLoad(`invite-${token}`, () => (token ? api.previewInvitation(token) : Promise.reject(new Error('no token'))));
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, attempt } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(async () => {
      // The language the page is read in becomes the account's mail language.
      await api.acceptInvitation(token, name.trim(), password, i18n.language === 'ko' ? 'ko' : 'en');
      void navigate('/console', { replace: true });
    });
  };

  if (preview.loading) return <div className="spinner console-spinner" />;
  const p = preview.data;
  return (
    <div className="auth">
      <form className="auth__card" onSubmit={(e) => void submit(e)} data-testid="accept-form">
        <h1 className="auth__title">{t('console.accept.title')}</h1>
        {!p ? (
          <FormError message={token ? `${t('console.accept.invalid')} ${errorText(t, preview.error)}` : t('console.accept.missing')} />
        ) : (
          <>
            <p className="auth__hint">
              {p.channel
                ? t('console.accept.hintChannel', { role: t(`console.people.role.${p.role}`), channel: p.channel.title, email: p.email })
                : t('console.accept.hint', { role: t(`console.people.role.${p.role}`), email: p.email })}
            </p>
            <p className="muted small">{t('console.accept.expiresAt', { when: formatDateTime(p.expiresAt, i18n.language) })}</p>
            <TextField name="displayName" label={t('console.accept.displayName')} value={name} onChange={setName} autoComplete="name" required />
            <TextField name="password" type="password" label={t('console.accept.password')} value={password} onChange={setPassword} autoComplete="new-password" hint={t('console.accept.passwordHint')} required />
            <FormError message={error} />
            <button type="submit" className="button button--accent button--block" disabled={busy || password.length < 12 || !name.trim()}>
              {t('console.accept.submit')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}

/** `/console/reset#token=…`: choose a new password with an operator's single-use link. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, attempt } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(async () => {
      await api.resetPassword(token, password);
      setDone(true);
    });
  };

  return (
    <div className="auth">
      <form className="auth__card" onSubmit={(e) => void submit(e)} data-testid="reset-form">
        <h1 className="auth__title">{t('console.reset.title')}</h1>
        {done ? (
          <>
            <p className="auth__hint" role="status">
              {t('console.reset.done')}
            </p>
            <Link to="/console/sign-in" className="button button--accent button--block">
              {t('console.reset.signIn')}
            </Link>
          </>
        ) : !token ? (
          <FormError message={t('console.accept.missing')} />
        ) : (
          <>
            <p className="auth__hint">{t('console.reset.hint')}</p>
            <TextField name="password" type="password" label={t('console.reset.password')} value={password} onChange={setPassword} autoComplete="new-password" hint={t('console.accept.passwordHint')} required />
            <FormError message={error} />
            <button type="submit" className="button button--accent button--block" disabled={busy || password.length < 12}>
              {t('console.reset.submit')}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
