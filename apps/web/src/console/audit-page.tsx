import type { AccountAuditEntry } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { useLoad } from '../api/use-load';
import { formatDateTime } from '../i18n/format';
import { LoadedTable, type LoadedLook, type LoadedRows } from './loaded-table';

const detailText = (detail: Record<string, unknown>): string =>
  Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');

/** Audit entries, newest first: when, who, what, to whom. */
export function AuditTable({ state, empty, look }: { state: LoadedRows<AccountAuditEntry>; empty: string; look?: LoadedLook }) {
  const { t, i18n } = useTranslation();
  return (
    <LoadedTable
      state={state}
      look={look}
      empty={empty}
      testId="audit-table"
      head={[t('console.audit.when'), t('console.audit.who'), t('console.audit.what'), t('console.audit.whom'), t('console.audit.detail')]}
      row={(entry) => (
        <tr key={entry.id}>
          <td>{formatDateTime(entry.at, i18n.language)}</td>
          <td>{entry.actor.email ?? t('console.audit.system')}</td>
          <td>
            <code>{entry.action}</code>
          </td>
          <td>{entry.target.email ?? '—'}</td>
          <td className="small muted">{detailText(entry.detail)}</td>
        </tr>
      )}
    />
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
      <AuditTable state={audit} empty={t('console.audit.empty')} />
    </div>
  );
}
