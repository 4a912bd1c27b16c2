import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SearchIcon, SlidersIcon } from '../components/icons';
import { StatePanel } from '../components/state-panel';

/** `/console`: placeholder until the creator console lands. */
export function ConsolePage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.title')}</h1>
      </div>
      <StatePanel icon={<SlidersIcon />} title={t('console.comingSoon')} />
    </div>
  );
}

/** Any unknown path (the API answers index.html for them all). */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <StatePanel icon={<SearchIcon />} title={t('notFound.title')} testId="not-found-state">
        <Link className="button button--accent" to="/">
          {t('notFound.back')}
        </Link>
      </StatePanel>
    </div>
  );
}
