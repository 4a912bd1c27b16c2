import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { StatePanel } from '../components/state-panel';
import { formatDateTime } from '../i18n/format';
import { errorText } from './format';
import { StreamKeyPanel } from './stream-key-panel';
import { useLoad } from './use-load';

/** `/console/channels/:slug`: how to go live on this channel, its settings and where viewers watch it. */
export function ChannelDetailPage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const api = useConsoleApi();
  const channel = useLoad(slug, (signal) => api.getChannel(slug, signal));

  if (channel.error) {
    return (
      <div className="page">
        <StatePanel icon="!" tone="error" title={errorText(t, channel.error)} testId="error-state" />
      </div>
    );
  }
  if (!channel.data) return <div className="spinner console-spinner" />;
  const c = channel.data;
  const watchUrl = `${window.location.origin}/c/${c.slug}`;
  return (
    <div className="page">
      <div className="page__head console-head">
        <div>
          <Link to="/console" className="back-link">
            {t('console.back')}
          </Link>
          <div className="console-head__title">
            <h1 className="page__title" data-testid="channel-title">
              {c.title}
            </h1>
            <span className={`badge badge--${c.status}`}>{t(`status.${c.status}`)}</span>
          </div>
          <p className="page__subtitle">{c.slug}</p>
        </div>
        <div className="console-head__actions">
          <Link to={`/console/sessions?channel=${c.id}`} className="button">
            {t('console.nav.sessions')}
          </Link>
          <Link to={`/console/channels/${c.slug}/edit`} className="button" data-testid="edit-channel">
            {t('console.channels.edit')}
          </Link>
        </div>
      </div>
      <div className="detail">
        <StreamKeyPanel slug={c.slug} />
        <div className="detail__side">
          <section className="panel">
            <h2 className="panel__title">{t('console.channels.playback')}</h2>
            <p className="kv__row">
              <a href={`/c/${c.slug}`} className="link" data-testid="watch-link">
                {watchUrl}
              </a>
            </p>
            {c.visibility === 'private' && <p className="muted small">{t('console.channels.privateHint')}</p>}
          </section>
          <section className="panel">
            <h2 className="panel__title">{t('console.channels.settings')}</h2>
            <dl className="facts">
              <dt>{t('console.channelForm.visibility')}</dt>
              <dd>{t(`console.visibility.${c.visibility}`)}</dd>
              <dt>{t('console.channelForm.latency')}</dt>
              <dd>{t(`console.latency.${c.latencyMode}`)}</dd>
              <dt>{t('console.channelForm.reconnect')}</dt>
              <dd>{t('console.seconds', { count: c.reconnectWindowSeconds })}</dd>
              <dt>{t('console.channelForm.recording')}</dt>
              <dd>{c.recording ? t('console.on') : t('console.off')}</dd>
              <dt>{t('console.channels.columns.created')}</dt>
              <dd>{formatDateTime(c.createdAt, i18n.language)}</dd>
            </dl>
            {c.description && <p className="detail__description">{c.description}</p>}
          </section>
        </div>
      </div>
    </div>
  );
}
