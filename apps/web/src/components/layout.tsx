import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SupportedLanguages } from '../i18n/i18n';

/** Page chrome: header with brand, navigation and language switcher around the routed page. */
export function Layout() {
  const { t } = useTranslation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="header">
        <div className="header__inner">
          <NavLink to="/" className="brand" aria-label={t('app.name')}>
            <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
              <rect width="32" height="32" rx="8" />
              <path d="M6 19c3-6 6-6 10 0s7 6 10 0" />
            </svg>
            <span className="brand__name">{t('app.name')}</span>
          </NavLink>
          <nav className="nav" aria-label={t('nav.main')}>
            <NavLink to="/" end className="nav__link">
              {t('nav.home')}
            </NavLink>
            <NavLink to="/console" className="nav__link">
              {t('nav.console')}
            </NavLink>
          </nav>
          <span className="header__spacer" />
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" className="main">
        <Outlet />
      </main>
    </div>
  );
}

/** Segmented buttons for the UI language; i18next persists the choice (see persistLanguage). */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? i18n.language;
  return (
    <div className="lang" role="group" aria-label={t('language.label')}>
      {SupportedLanguages.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="lang__option"
          aria-pressed={current === language}
          data-testid={`lang-${language}`}
          onClick={() => void i18n.changeLanguage(language)}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </div>
  );
}
