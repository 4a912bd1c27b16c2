import type { AccountAuditEntry } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';
import { StatePanel } from '../components/state-panel';
import { formatDateTime } from '../i18n/format';

const detailText = (detail: Record<string, unknown>): string =>
  Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');

/** Audit entries, newest first: when, who, what, to whom. */
export function AuditTable({ items }: { items: AccountAuditEntry[] }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('console.audit.when')}</th>
            <th>{t('console.audit.who')}</th>
            <th>{t('console.audit.what')}</th>
            <th>{t('console.audit.whom')}</th>
            <th>{t('console.audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={entry.id}>
              <td>{formatDateTime(entry.at, i18n.language)}</td>
              <td>{entry.actor.email ?? t('console.audit.system')}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{entry.target.email ?? '—'}</td>
              <td className="small muted">{detailText(entry.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `/console/audit`: every change to accounts (operators only; others get the server's 403). */
export function AuditPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const audit = useLoad('audit', (signal) => api.listAudit(signal));
  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.audit.title')}</h1>
        <p className="page__subtitle">{t('console.audit.subtitle')}</p>
      </div>
      {audit.error ? (
        <StatePanel icon="!" tone="error" title={errorText(t, audit.error)} testId="error-state" />
      ) : !audit.data ? (
        <div className="spinner console-spinner" />
      ) : audit.data.length === 0 ? (
        <StatePanel icon="○" title={t('console.audit.empty')} />
      ) : (
        <AuditTable items={audit.data} />
      )}
    </div>
  );
}
