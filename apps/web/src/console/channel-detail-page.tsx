import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useConsoleApi } from '../api/console-context';
import { formatDateTime } from '../i18n/format';
import { ConfirmDialog } from './confirm-dialog';
import { errorText } from '../api/errors';
import { BackLink, PageLoadError } from './page-parts';
import { DestinationsPanel } from './destinations-panel';
import { ModeratorsPanel } from './moderators-panel';
import { StreamKeyPanel } from './stream-key-panel';
import { usePoll } from '../api/use-poll';

/** How often the page reads the channel again: a live broadcast's state (e.g. the CPU warning) changes under the streamer's eyes. */
const LIVE_REFRESH_MS = 5000;
const OFFLINE_REFRESH_MS = 15_000;

/** `/console/channels/:slug`: how to go live on this channel, its settings and where viewers watch it. */
export function ChannelDetailPage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const api = useConsoleApi();
  const channel = usePoll(slug, (signal) => api.getChannel(slug, signal), (data) => (data?.status === 'live' ? LIVE_REFRESH_MS : OFFLINE_REFRESH_MS));
  const navigate = useNavigate();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    try {
      await api.deleteChannel(slug);
      void navigate('/console');
    } catch (caught) {
      // 409: the API keeps a live channel; say what to do rather than echo the server's wording.
      setDeleteError(caught instanceof ApiError && caught.status === 409 ? t('console.channels.deleteLive') : errorText(t, caught));
      setDeleting(false);
      setConfirmingDelete(false);
    }
  };

  // A failed refresh keeps showing what was read before; only a page with nothing to show becomes the error.
  if (channel.error && !channel.data) {
    return <PageLoadError error={channel.error} />;
  }
  if (!channel.data) return <div className="spinner console-spinner" />;
  const c = channel.data;
  const watchUrl = `${window.location.origin}/c/${c.slug}`;
  return (
    <div className="page">
      <div className="page__head console-head">
        <div>
          <BackLink to="/console" />
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
          <Link to={`/console/vods?channel=${c.slug}`} className="button" data-testid="channel-vods">
            {t('console.nav.vods')}
          </Link>
          {c.liveSession && (
            <Link to={`/console/sessions/${c.liveSession.id}/stats`} className="button" data-testid="live-stats">
              {t('stats.live.link')}
            </Link>
          )}
          <Link to={`/console/channels/${c.slug}/chat`} className="button" data-testid="chat-moderation">
            {t('console.channels.chat')}
          </Link>
          <Link to={`/console/channels/${c.slug}/commerce`} className="button" data-testid="commerce-link">
            {t('commerce.console.link')}
          </Link>
          <Link to={`/console/channels/${c.slug}/edit`} className="button" data-testid="edit-channel">
            {t('console.channels.edit')}
          </Link>
          <button type="button" className="button button--danger" onClick={() => setConfirmingDelete(true)} data-testid="delete-channel">
            {t('console.channels.delete')}
          </button>
        </div>
      </div>
      {c.liveSession?.degraded && (
        <div className="callout callout--warning" role="status">
          <p className="callout__title" data-testid="stream-degraded">
            {t('console.live.degraded')}
          </p>
          <p className="callout__body">{t('console.live.degradedHint')}</p>
        </div>
      )}
      {c.owner && (
        // Only an operator's read of another account's channel carries its owner (GET /v1/channels/:slug).
        <div className="callout" role="note" data-testid="foreign-channel">
          <p className="callout__title">{t('console.operatorChannels.foreignTitle', { owner: `${c.owner.displayName} (${c.owner.email})` })}</p>
          <p className="callout__body">
            {t('console.operatorChannels.foreignBody')}{' '}
            <Link to={`/console/people/${c.owner.id}`} className="link">
              {t('console.operatorChannels.ownerLink')}
            </Link>
          </p>
        </div>
      )}
      {deleteError && (
        <p className="form-error" role="alert" data-testid="delete-error">
          {deleteError}
        </p>
      )}
      {confirmingDelete && (
        <ConfirmDialog
          title={t('console.channels.deleteTitle', { title: c.title })}
          body={t('console.channels.deleteBody')}
          confirmLabel={t('console.channels.deleteConfirm')}
          busy={deleting}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmingDelete(false)}
        />
      )}
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
          <DestinationsPanel slug={c.slug} live={c.status === 'live'} />
          <ModeratorsPanel slug={c.slug} />
        </div>
      </div>
    </div>
  );
}
