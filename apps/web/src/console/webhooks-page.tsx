import { WebhookEventTypes, type CreatedWebhook, type WebhookEventType } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { formatDateTime } from '../i18n/format';
import { CheckField, FormError, SubmitRow, TextField } from './fields';
import { useAction } from './use-action';
import { SecretOnce } from './secret-once';
import { useLoad } from '../api/use-load';
import { LoadedTable } from './loaded-table';

/** `/console/webhooks`: endpoints that receive stream and VOD events; the signing secret is shown once. */
export function WebhooksPage() {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const hooks = useLoad('webhooks', (signal) => api.listWebhooks(signal));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['stream.started', 'stream.ended']);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const { busy, error, attempt } = useAction();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(async () => {
      setCreated(await api.createWebhook({ url: url.trim(), eventTypes: events }));
      setUrl('');
      hooks.reload();
    });
  };
  const toggle = (type: WebhookEventType, on: boolean) => setEvents((current) => (on ? [...current, type] : current.filter((e) => e !== type)));

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.webhooks.title')}</h1>
        <p className="page__subtitle">{t('console.webhooks.subtitle')}</p>
      </div>
      {created && <SecretOnce title={t('console.webhooks.created')} value={created.secret} onDone={() => setCreated(null)} testId="new-secret" />}
      <form className="form panel" onSubmit={(e) => void create(e)} data-testid="webhook-form">
        <h2 className="panel__title">{t('console.webhooks.new')}</h2>
        <TextField name="url" type="url" label={t('console.webhooks.url')} value={url} onChange={setUrl} required />
        <fieldset className="fieldset">
          <legend className="field__label">{t('console.webhooks.events')}</legend>
          <div className="checks">
            {WebhookEventTypes.map((type) => (
              <CheckField key={type} name="event" label={<code>{type}</code>} checked={events.includes(type)} onChange={(on) => toggle(type, on)} />
            ))}
          </div>
        </fieldset>
        <FormError message={error} />
        <SubmitRow disabled={busy || events.length === 0}>
          {t('console.webhooks.create')}
        </SubmitRow>
      </form>
      <LoadedTable
        state={hooks}
        empty={t('console.webhooks.empty')}
        testId="webhook-table"
        head={[t('console.webhooks.url'), t('console.webhooks.events'), t('console.channels.columns.status'), t('console.channels.columns.created')]}
        row={(hook) => (
          <tr key={hook.id}>
            <td>
              <Link to={`/console/webhooks/${hook.id}`} className="table__primary">
                {hook.url}
              </Link>
              <div className="table__secondary">{t('console.webhooks.viewLog')}</div>
            </td>
            <td>
              <ul className="chips">
                {hook.eventTypes.map((e) => (
                  <li key={e} className="chip">
                    {e}
                  </li>
                ))}
              </ul>
            </td>
            <td>{hook.enabled ? t('console.on') : t('console.off')}</td>
            <td>{formatDateTime(hook.createdAt, i18n.language)}</td>
          </tr>
        )}
      />
    </div>
  );
}
