import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useApi } from '../api/api-context';
import { useStatsApi } from '../stats/stats-context';
import { statsFormat } from '../stats/stats-format';
import { errorText } from '../api/errors';
import { StatePanel } from '../components/state-panel';

/** The link back to the list a statistics page was opened from. */
export function BackLink({ to, label }: { to: string; label: string }) {
  return (
    <Link to={to} className="back-link">
      {label}
    </Link>
  );
}

/** A statistics page before its numbers arrive: the way back, then the error or a spinner. */
export function StatsPending({ back, error }: { back: ReactNode; error: unknown }) {
  const { t } = useTranslation();
  return (
    <div className="page">
      {back}
      {error ? <StatePanel icon="!" tone="error" title={errorText(t, error)} testId="error-state" /> : <div className="spinner console-spinner" />}
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
