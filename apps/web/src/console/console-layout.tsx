import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { StatePanel } from '../components/state-panel';
import { errorText, isUnauthenticated } from '../api/errors';
import { useLoad } from '../api/use-load';
import './console.css';

/** Where a console page that needs a signed-in admin sends everyone else. */
export const SignInPath = '/console/sign-in';

/** The console frame: checks the session (401 -> sign-in), then a side navigation around the page. */
export function ConsoleLayout() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const location = useLocation();
  const navigate = useNavigate();
  const me = useLoad('me', (signal) => api.me(signal));

  if (me.loading && !me.data) return <div className="spinner console-spinner" data-testid="console-loading" />;
  if (isUnauthenticated(me.error)) return <Navigate to={SignInPath} replace state={{ from: location.pathname }} />;
  if (!me.data) {
    return (
      <div className="page">
        <StatePanel icon="!" title={errorText(t, me.error)} tone="error" testId="error-state" />
      </div>
    );
  }

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    void navigate(SignInPath, { replace: true });
  };

  const links: Array<[string, string, boolean]> = [
    ['/console', t('console.nav.channels'), true],
    ['/console/sessions', t('console.nav.sessions'), false],
    ['/console/vods', t('console.nav.vods'), false],
    ['/console/tokens', t('console.nav.tokens'), false],
    ['/console/webhooks', t('console.nav.webhooks'), false],
    // Operators run the installation: people and the audit log are theirs.
    ...(me.data.operator ? ([['/console/people', t('console.nav.people'), false], ['/console/audit', t('console.nav.audit'), false]] as Array<[string, string, boolean]>) : []),
    ['/console/account', t('console.nav.account'), false],
  ];
  return (
    <div className="console">
      <aside className="console__side">
        <nav className="console__nav" aria-label={t('console.nav.label')}>
          {links.map(([to, label, end]) => (
            <NavLink key={to} to={to} end={end} className="console__link">
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="console__who">
          <span className="console__email" title={me.data.email}>
            {me.data.email}
          </span>
          <button type="button" className="button button--small" onClick={() => void signOut()} data-testid="sign-out">
            {t('console.signOut')}
          </button>
        </div>
      </aside>
      <section className="console__page">
        <Outlet />
      </section>
    </div>
  );
}

