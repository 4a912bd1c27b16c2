import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useApi } from '../api/api-context';
import { useStatsApi } from '../stats/stats-context';
import { statsFormat } from '../stats/stats-format';
import { LoadError } from './page-parts';

/** A statistics page before its numbers arrive: the way back, then the error or a spinner. */
export function StatsPending({ back, error }: { back: ReactNode; error: unknown }) {
  return (
    <div className="page">
      {back}
      {error ? <LoadError error={error} /> : <div className="spinner console-spinner" />}
    </div>
  );
}

/** The head of a statistics page: the way back, the title (and a badge), a line under it, and the page's links. */
export function StatsHead({ back, title, badge, subtitle, actions }: { back: ReactNode; title: string; badge?: ReactNode; subtitle: ReactNode; actions: ReactNode }) {
  return (
    <div className="page__head console-head">
      <div>
        {back}
        <div className="console-head__title">
          <h1 className="page__title">{title}</h1>
          {badge}
        </div>
        {subtitle}
      </div>
      <div className="console-head__actions">{actions}</div>
    </div>
  );
}

/** One titled panel of a statistics dashboard. */
export function DashPanel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel dash__panel">
      <h2 className="panel__title">{title}</h2>
      {children}
    </section>
  );
}

/** What both statistics pages start from: the id in the address, translation, both API clients and the number formats. */
export function useStatsPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  return { id, t, i18n, statsApi: useStatsApi(), api: useApi(), format: statsFormat(i18n.language) };
}
