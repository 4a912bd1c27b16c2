import { Link } from 'react-router';
import { usePoll } from '../api/use-poll';
import { formatDateTime } from '../i18n/format';
import { statsCsvUrl } from '../stats/stats-api';
import { QoePanel, StatCards } from '../stats/stat-panels';
import { RetentionChart } from '../stats/vod-charts';
import '../stats/stats.css';
import { DashPanel, StatsHead, StatsPending, useStatsPage } from './stats-page-parts';
import { BackLink } from './page-parts';
import { useLoad } from '../api/use-load';

/** VOD views trickle in; a minute is fresh enough. */
export const VodStatsPollMs = 60_000;

/** `/console/vods/:id/stats`: views, watch time and the retention curve of one VOD. */
export function StatsVodPage() {
  const { id, t, i18n, statsApi, api, format } = useStatsPage();
  const stats = usePoll(`vod-stats:${id}`, (signal) => statsApi.getVodStats(id, signal), () => VodStatsPollMs);
  const vod = useLoad(`vod:${id}`, (signal) => api.getVod(id, signal));

  const back = <BackLink to="/console/vods">{t('stats.vod.back')}</BackLink>;
  if (!stats.data) return <StatsPending back={back} error={stats.error} />;
  const s = stats.data;
  const v = vod.data;
  const perView = s.views > 0 ? s.watchSeconds / s.views : 0;
  return (
    <div className="page dash" data-testid="vod-stats">
      <StatsHead
        back={back}
        title={t('stats.vod.title', { title: v?.title ?? '' })}
        subtitle={v && <p className="muted small">{t('stats.vod.created', { time: formatDateTime(v.createdAt, i18n.language) })}</p>}
        actions={
          <>
            {v?.playbackUrl && (
              <Link to={`/v/${id}`} className="button" data-testid="vod-watch-link">
                {t('console.vods.watch')}
              </Link>
            )}
            {v?.liveSessionId && (
              <Link to={`/console/sessions/${v.liveSessionId}/stats`} className="button" data-testid="session-stats-link">
                {t('stats.live.open')}
              </Link>
            )}
            <a className="button" href={statsCsvUrl('vod', id)} download data-testid="csv-vod">
              {t('stats.csv.vod')}
            </a>
          </>
        }
      />
      <StatCards
        cards={[
          ['views', t('stats.vod.views'), format.count(s.views)],
          ['unique', t('stats.vod.unique'), format.count(s.uniqueViewers)],
          ['watch', t('stats.vod.watchTime'), format.span(s.watchSeconds)],
          ['per-view', t('stats.vod.perView'), format.span(perView)],
        ]}
      />
      <DashPanel title={t('stats.vod.retention')}>
        <p className="muted small">{t('stats.vod.retentionHint')}</p>
        <RetentionChart retention={s.retention} views={s.views} durationSeconds={v?.durationSeconds ?? null} format={format} />
      </DashPanel>
      <DashPanel title={t('stats.qoe.title')}>
        <QoePanel qoe={s.qoe} format={format} />
      </DashPanel>
    </div>
  );
}

