import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { usePoll } from '../api/use-poll';
import { AlertIcon, BroadcastIcon } from '../components/icons';
import { StatePanel } from '../components/state-panel';
import { LiveChannelCard } from './live-card';

/** How often the live list refreshes. */
export const LiveListRefreshMs = 10_000;

/** `/`: the channels that are live now. */
export function HomePage() {
  const api = useApi();
  const { t } = useTranslation();
  const { data, error, loading } = usePoll('live', (signal) => api.listLiveChannels(signal), (_data, failed) =>
    failed ? 3000 : LiveListRefreshMs,
  );
  const channels = data?.items ?? [];

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('home.title')}</h1>
        <p className="page__subtitle">
          {data && channels.length > 0 ? t('home.liveCount', { count: channels.length }) : t('home.subtitle')}
        </p>
      </div>
      {loading ? (
        <div className="grid" aria-busy="true">
          {[0, 1, 2].map((index) => (
            <div key={index} className="card card--skeleton" />
          ))}
        </div>
      ) : !data && error ? (
        <StatePanel
          tone="error"
          icon={<AlertIcon />}
          title={t('errors.unreachableTitle')}
          hint={t('errors.unreachableHint')}
          testId="error-state"
        />
      ) : (
        <section data-testid="live-list" aria-label={t('home.title')}>
          {channels.length === 0 ? (
            <StatePanel icon={<BroadcastIcon />} title={t('home.empty')} hint={t('home.emptyHint')} testId="live-empty" />
          ) : (
            <ul className="grid">
              {channels.map((channel) => (
                <LiveChannelCard key={channel.id} channel={channel} />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
