import type { WebhookDelivery } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { formatDateTime } from '../i18n/format';
import { errorText } from '../api/errors';
import { BackLink } from './page-parts';
import { useLoad } from '../api/use-load';
import { LoadedTable } from './loaded-table';

const BADGE: Record<WebhookDelivery['status'], string> = { pending: 'pending', succeeded: 'ok', failed: 'failed' };

/** `/console/webhooks/:id`: the delivery log of one endpoint, newest first, with resend. */
export function DeliveriesPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const api = useConsoleApi();
  const hooks = useLoad('webhooks', (signal) => api.listWebhooks(signal));
  const log = useLoad(id, (signal) => api.listDeliveries(id, undefined, signal));
  const [message, setMessage] = useState<string | null>(null);
  const hook = hooks.data?.find((h) => h.id === id);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');

  const resend = async (delivery: WebhookDelivery) => {
    setMessage(null);
    try {
      await api.resendDelivery(delivery.id);
      setMessage(t('console.deliveries.resent'));
      log.reload();
    } catch (caught) {
      setMessage(errorText(t, caught));
    }
  };

  return (
    <div className="page">
      <div className="page__head">
        <BackLink to="/console/webhooks" />
        <h1 className="page__title">{t('console.deliveries.title')}</h1>
        {hook && <p className="page__subtitle">{hook.url}</p>}
      </div>
      {message && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
      <LoadedTable
        state={{ data: log.data?.items, error: log.error }}
        empty={t('console.deliveries.empty')}
        emptyHint={t('console.deliveries.emptyHint')}
        testId="delivery-table"
        head={[t('console.deliveries.event'), t('console.deliveries.status'), t('console.deliveries.code'), t('console.deliveries.attempts'), t('console.deliveries.lastAttempt'), t('console.deliveries.nextRetry'), '']}
        row={(d) => (
          <tr key={d.id}>
            <td>
              <code>{d.eventType}</code>
              <div className="table__secondary">{when(d.createdAt)}</div>
            </td>
            <td>
              <span className={`badge badge--${BADGE[d.status]}`}>{t(`console.deliveryStatus.${d.status}`)}</span>
              {d.lastError && <div className="table__secondary">{d.lastError}</div>}
            </td>
            <td>{d.lastStatusCode ?? '—'}</td>
            <td>{new Intl.NumberFormat(i18n.language).format(d.attempts)}</td>
            <td>{when(d.lastAttemptAt)}</td>
            <td>{d.status === 'pending' ? when(d.nextAttemptAt) : '—'}</td>
            <td className="table__actions">
              <button type="button" className="button button--small" onClick={() => void resend(d)}>
                {t('console.deliveries.resend')}
              </button>
            </td>
          </tr>
        )}
      />
    </div>
  );
}
