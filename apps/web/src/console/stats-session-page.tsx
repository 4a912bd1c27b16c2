import type { CommerceMarker, LiveStats, SessionTimeline } from '@onda/contracts';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePoll } from '../api/use-poll';
import { formatDateTime, formatDuration } from '../i18n/format';
import { HighlightsList } from '../stats/highlights-list';
import { IngestCharts, ReactionTimeline, RenditionMix, ViewersChart } from '../stats/live-charts';
import { statsCsvUrl } from '../stats/stats-api';
import { type StatsFormat } from '../stats/stats-format';
import { CountriesPanel, QoePanel, StatCards } from '../stats/stat-panels';
import { parseStoryboardVtt, type StoryboardCue } from '../vods/storyboard';
import '../stats/stats.css';
import { errorText } from '../api/errors';
import { DashPanel, StatsHead, StatsPending, useStatsPage } from './stats-page-parts';
import { BackLink } from './page-parts';
import { useLoad } from '../api/use-load';
import { commerceClient } from '../commerce/commerce-api';

/** While the broadcast runs the numbers move; once it ended they only change as VOD views come in. */
export const LiveStatsPollMs = 10_000;
const EndedStatsPollMs = 60_000;
const noCues: StoryboardCue[] = [];

/** `/console/sessions/:id/stats`: one broadcast's audience, quality, ingest health, reactions and highlights. */
export function StatsSessionPage() {
  const { id, t, i18n, statsApi, api, format } = useStatsPage();
  const cadence = (data: { endedAt?: string | null } | undefined) => (data && data.endedAt === null ? LiveStatsPollMs : EndedStatsPollMs);
  const stats = usePoll(`live-stats:${id}`, (signal) => statsApi.getLiveStats(id, signal), (data) => cadence(data));
  const ended = stats.data ? stats.data.endedAt !== null : false;
  const timeline = usePoll(`timeline:${id}`, (signal) => statsApi.getTimeline(id, signal), () => (ended ? EndedStatsPollMs : LiveStatsPollMs));
  const moments = usePoll(`commerce-markers:${id}`, (signal) => commerceClient().sessionMarkers(id, signal), () => (ended ? EndedStatsPollMs : LiveStatsPollMs));
  const channelId = stats.data?.channelId ?? '';
  const channel = useLoad(`channel:${channelId}`, (signal) => (channelId ? api.getChannel(channelId, signal) : Promise.resolve(undefined)));
  const vodId = timeline.data?.vodId ?? '';
  const vod = useLoad(`vod:${vodId}`, (signal) => (vodId ? api.getVod(vodId, signal) : Promise.resolve(undefined)));
  const storyboardUrl = vod.data?.storyboardUrl ?? '';
  const cues = useLoad(`storyboard:${storyboardUrl}`, async (signal) =>
    storyboardUrl ? parseStoryboardVtt(await api.getStoryboard(storyboardUrl, signal), storyboardUrl) : noCues,
  );

  const back = <BackLink to="/console/sessions">{t('stats.live.back')}</BackLink>;
  if (!stats.data) return <StatsPending back={back} error={stats.error} />;
  const s = stats.data;
  return (
    <div className="page dash" data-testid="session-stats">
      <StatsHead
        back={back}
        title={t('stats.live.title', { channel: channel.data?.title ?? '' })}
        badge={<span className={`badge badge--${ended ? 'offline' : 'live'}`}>{ended ? t('console.sessionState.ended') : t('status.live')}</span>}
        subtitle={
          <p className="muted small">
            {s.startedAt ? t('stats.live.when', { start: formatDateTime(s.startedAt, i18n.language), duration: formatDuration(s.startedAt, s.endedAt, i18n.language) }) : null}
          </p>
        }
        actions={
          <>
            {vodId && (
              <Link to={`/console/vods/${vodId}/stats`} className="button" data-testid="vod-stats-link">
                {t('stats.vod.open')}
              </Link>
            )}
            <a className="button" href={statsCsvUrl('live', id)} download data-testid="csv-live">
              {t('stats.csv.live')}
            </a>
            <a className="button" href={statsCsvUrl('timeline', id)} download data-testid="csv-timeline">
              {t('stats.csv.timeline')}
            </a>
          </>
        }
      />
      <StatCards cards={liveCards(s, ended, format, t)} />
      <DashPanel title={t('stats.live.viewersChart')}>
        <ViewersChart points={s.viewersPerMinute} format={format} />
      </DashPanel>
      <div className="dash__grid">
        <DashPanel title={t('stats.qoe.title')}>
          <QoePanel qoe={s.qoe} format={format} />
        </DashPanel>
        <DashPanel title={t('stats.live.renditions')}>
          <RenditionMix renditions={s.renditions} format={format} />
          <h2 className="panel__title dash__subtitle">{t('stats.live.countries')}</h2>
          <CountriesPanel countries={s.countries} format={format} language={i18n.language} />
        </DashPanel>
      </div>
      <TimelineSection timeline={timeline.data} error={timeline.error} cues={cues.data ?? noCues} format={format} moments={moments.data ?? []} />
      <DashPanel title={t('stats.ingest.title')}>
        <IngestCharts points={s.ingest} format={format} />
      </DashPanel>
    </div>
  );
}


function liveCards(s: LiveStats, ended: boolean, format: StatsFormat, t: TFunction): Array<[string, string, string]> {
  return [
    ...(ended ? [] : [['now', t('stats.live.now'), format.count(s.concurrentNow)] as [string, string, string]]),
    ['peak', t('stats.live.peak'), format.count(s.peakConcurrent)],
    ['average', t('stats.live.average'), format.decimal(s.averageConcurrent)],
    ['unique', t('stats.live.unique'), format.count(s.uniqueViewers)],
    ['watch', t('stats.live.watchTime'), format.span(s.watchSeconds)],
  ];
}

function TimelineSection({ timeline, error, cues, format, moments }: { timeline: SessionTimeline | undefined; error: unknown; cues: readonly StoryboardCue[]; format: StatsFormat; moments: CommerceMarker[] }) {
  const { t } = useTranslation();
  if (!timeline) {
    return (
      <DashPanel title={t('stats.timeline.title')}>
        {error ? <p className="form-error">{errorText(t, error)}</p> : <div className="spinner console-spinner" />}
      </DashPanel>
    );
  }
  return (
    <>
      <DashPanel title={t('stats.timeline.title')}>
        <p className="muted small">{t('stats.timeline.hint')}</p>
        <ReactionTimeline buckets={timeline.buckets} highlights={timeline.highlights} format={format} moments={moments.map((m) => ({ atSeconds: m.atSeconds, label: m.moment.title }))} />
        {moments.length > 0 && (
          <ul className="chips" aria-label={t('commerce.console.onTimeline')} data-testid="timeline-commerce">
            {moments.map((m) => (
              <li key={m.moment.id} className="chip">
                {format.clock(m.atSeconds)} · {m.moment.title}
              </li>
            ))}
          </ul>
        )}
      </DashPanel>
      <DashPanel title={t('stats.highlights.title')}>
        <HighlightsList highlights={timeline.highlights} cues={cues} format={format} />
      </DashPanel>
    </>
  );
}
