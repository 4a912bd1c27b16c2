import { BEACON_BUCKET_SECONDS as BucketSeconds, type VodStats } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { AxisTick, ChartColors, ChartFrame, filledArea, still, TooltipStyle } from './chart-frame';
import { clockTicks, type StatsFormat } from './stats-format';

/** How many sessions watched each 10-second bucket of the VOD, as a curve over its timeline. */
export function RetentionChart({ retention, views, durationSeconds, format }: { retention: VodStats['retention']; views: number; durationSeconds: number | null; format: StatsFormat }) {
  const { t } = useTranslation();
  if (retention.length === 0) return <p className="muted small">{t('stats.none')}</p>;
  const lastBucket = retention.at(-1)!;
  // The steps start at each bucket; a closing point draws the last bucket up to the end of the video.
  const end = durationSeconds && durationSeconds > lastBucket.start ? Math.min(durationSeconds, lastBucket.start + BucketSeconds) : lastBucket.start + BucketSeconds;
  const data = [...retention, { start: end, sessions: lastBucket.sessions }];
  const share = (sessions: number) => (views > 0 ? ` (${format.ratio(sessions / views)})` : '');
  return (
    <ChartFrame height={280} label={t('stats.vod.retention')} testId="retention-chart">
      {(width) => (
        <AreaChart width={width} height={280} data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={ChartColors.grid} vertical={false} />
          <XAxis dataKey="start" type="number" domain={[0, end]} ticks={clockTicks(end)} tickFormatter={(v: number) => format.clock(v)} tick={AxisTick} stroke={ChartColors.grid} minTickGap={32} />
          <YAxis allowDecimals={false} tickFormatter={(v: number) => format.count(v)} tick={AxisTick} stroke={ChartColors.grid} width={48} />
          <Tooltip {...TooltipStyle} labelFormatter={(v) => format.clock(Number(v))} formatter={(v) => `${format.count(Number(v))}${share(Number(v))}`} />
          <Area type="stepAfter" dataKey="sessions" name={t('stats.vod.sessions')} {...filledArea(ChartColors.vod)} {...still} />
        </AreaChart>
      )}
    </ChartFrame>
  );
}
