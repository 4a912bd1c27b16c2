import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorText } from '../api/errors';
import { StatePanel } from '../components/state-panel';

/** The link back at the head of a console page; it says "Back" unless told otherwise. */
export function BackLink({ to, children }: { to: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Link to={to} className="back-link">
      {children ?? t('console.back')}
    </Link>
  );
}

/** Why a console page could not load what it shows. */
export function LoadError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return <StatePanel icon="!" tone="error" title={errorText(t, error)} testId="error-state" />;
}

/** A console page that is only its load error. */
export function PageLoadError({ error }: { error: unknown }) {
  return (
    <div className="page">
      <LoadError error={error} />
    </div>
  );
}

/** A console panel whose heading names it for assistive technology (`aria-labelledby`). */
export function TitledPanel({ id, title, testId, className, children }: { id: string; title: string; testId: string; className?: string; children: ReactNode }) {
  return (
    <section className={className ? `panel ${className}` : 'panel'} aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="panel__title">
        {title}
      </h2>
      {children}
    </section>
  );
}
