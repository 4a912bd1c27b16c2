import { BEACON_BUCKET_SECONDS as BucketSeconds, type Highlight, type IngestHealthPoint, type LiveStats, type TimelineBucket } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { AxisTick, ChartColors, ChartFrame, filledArea, still, TooltipStyle } from './chart-frame';
import { clockTicks, type StatsFormat } from './stats-format';

const legendStyle = { fontSize: 13, color: ChartColors.axis };

/** Concurrent viewers per minute (left axis) with chat messages per minute overlaid (right axis). */
export function ViewersChart({ points, format }: { points: LiveStats['viewersPerMinute']; format: StatsFormat }) {
  const { t } = useTranslation();
  const data = points.map((p) => ({ t: Date.parse(p.minute), viewers: p.viewers, chat: p.chatMessages }));
  return (
    <ChartFrame height={280} label={t('stats.live.viewersChart')} testId="viewers-chart">
      {(width) => (
        <ComposedChart width={width} height={280} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={ChartColors.grid} vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => format.time(v)} tick={AxisTick} stroke={ChartColors.grid} minTickGap={24} />
          <YAxis yAxisId="viewers" allowDecimals={false} tickFormatter={(v: number) => format.count(v)} tick={AxisTick} stroke={ChartColors.grid} width={48} />
          <YAxis yAxisId="chat" orientation="right" allowDecimals={false} tickFormatter={(v: number) => format.count(v)} tick={AxisTick} stroke={ChartColors.grid} width={48} />
          <Tooltip {...TooltipStyle} labelFormatter={(v) => format.time(Number(v))} formatter={(v) => format.count(Number(v))} />
          <Legend wrapperStyle={legendStyle} />
          <Bar yAxisId="chat" dataKey="chat" name={t('stats.live.chatPerMinute')} fill={ChartColors.chat} fillOpacity={0.55} maxBarSize={18} {...still} />
          <Area
            yAxisId="viewers"
            type="monotone"
            dataKey="viewers"
            name={t('stats.live.viewers')}
            {...filledArea(ChartColors.viewers)}
            // A short broadcast has a point or two: show them, a lone point draws no line.
            dot={data.length < 4 ? { r: 3, fill: ChartColors.viewers } : false}
            {...still}
          />
        </ComposedChart>
      )}
    </ChartFrame>
  );
}

/** Share of watched time per rendition, best rendition first. */
export function RenditionMix({ renditions, format }: { renditions: Record<string, number>; format: StatsFormat }) {
  const { t } = useTranslation();
  const entries = Object.entries(renditions).filter(([, value]) => value > 0);
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  // Shares come as fractions; anything else (seconds) is turned into one.
  const share = (value: number) => (total > 1.001 ? value / total : value);
  const data = entries.map(([name, value]) => ({ name, share: share(value) })).sort((a, b) => renditionRank(b.name) - renditionRank(a.name) || b.share - a.share);
  if (data.length === 0) return <p className="muted small">{t('stats.none')}</p>;
  const height = 40 + data.length * 34;
  return (
    <ChartFrame height={height} label={t('stats.live.renditions')} testId="rendition-chart">
      {(width) => (
        <BarChart width={width} height={height} data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke={ChartColors.grid} horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => format.ratio(v)} tick={AxisTick} stroke={ChartColors.grid} />
          <YAxis type="category" dataKey="name" tick={AxisTick} stroke={ChartColors.grid} width={72} />
          <Tooltip {...TooltipStyle} cursor={{ fill: 'rgb(255 255 255 / 0.04)' }} formatter={(v) => format.ratio(Number(v))} />
          <Bar dataKey="share" name={t('stats.live.share')} fill={ChartColors.viewers} maxBarSize={22} {...still} />
        </BarChart>
      )}
    </ChartFrame>
  );
}

/** "1080p60" > "720p" > "480p" > anything without a height. */
function renditionRank(name: string): number {
  const match = /^(\d+)p(\d*)/.exec(name);
  return match ? Number(match[1]) * 1000 + Number(match[2] || 0) : -1;
}

type IngestKey = 'bitrateKbps' | 'fps' | 'keyframeIntervalSeconds' | 'droppedFrames';

/** Four small charts of the worker's ingest samples, sharing their time axis and tooltip. */
export function IngestCharts({ points, format }: { points: IngestHealthPoint[]; format: StatsFormat }) {
  const { t } = useTranslation();
  if (points.length === 0) return <p className="muted small">{t('stats.live.noIngest')}</p>;
  const data = points.map((p) => ({ ...p, t: Date.parse(p.at) }));
  // Within a few minutes every tick would read the same minute.
  const short = data.length > 0 && data.at(-1)!.t - data[0]!.t < 10 * 60_000;
  const tickTime = (v: number) => (short ? format.timeSeconds(v) : format.time(v));
  const charts: Array<{ key: IngestKey; label: string; color: string; value: (v: number) => string }> = [
    { key: 'bitrateKbps', label: t('stats.ingest.bitrate'), color: ChartColors.viewers, value: (v) => format.kbps(v) },
    { key: 'fps', label: t('stats.ingest.fps'), color: ChartColors.vod, value: (v) => format.decimal(v) },
    { key: 'keyframeIntervalSeconds', label: t('stats.ingest.keyframe'), color: ChartColors.chatters, value: (v) => format.millis(v * 1000) },
    { key: 'droppedFrames', label: t('stats.ingest.dropped'), color: ChartColors.reactions, value: (v) => format.count(v) },
  ];
  return (
    <div className="dash-ingest" data-testid="ingest-charts">
      {charts.map((chart) => (
        <div key={chart.key} className="dash-ingest__item">
          <h3 className="dash-ingest__title">{chart.label}</h3>
          <ChartFrame height={150} label={chart.label} testId={`ingest-${chart.key}`}>
            {(width) => (
              <LineChart width={width} height={150} data={data} syncId="ingest" margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={ChartColors.grid} vertical={false} />
                <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tickTime} tick={AxisTick} stroke={ChartColors.grid} minTickGap={24} />
                <YAxis tickFormatter={(v: number) => chart.value(v)} tick={AxisTick} stroke={ChartColors.grid} width={chart.key === 'bitrateKbps' ? 72 : 48} />
                <Tooltip {...TooltipStyle} labelFormatter={(v) => format.timeSeconds(Number(v))} formatter={(v) => chart.value(Number(v))} />
                <Line
                  type="monotone"
                  dataKey={chart.key}
                  name={chart.label}
                  stroke={chart.color}
                  strokeWidth={2}
                  dot={data.length < 4 ? { r: 3, fill: chart.color } : false}
                  connectNulls
                  {...still}
                />
              </LineChart>
            )}
          </ChartFrame>
        </div>
      ))}
    </div>
  );
}

/**
 * The broadcast's 10-second buckets: chat messages and reactions (bars), unique chatters, live viewers and
 * VOD sessions (lines, right axis), with the highlights shaded and the commerce moments marked where they were shown.
 */
export function ReactionTimeline({ buckets, highlights, format, moments = [] }: { buckets: TimelineBucket[]; highlights: Highlight[]; format: StatsFormat; moments?: Array<{ atSeconds: number; label: string }> }) {
  const { t } = useTranslation();
  if (buckets.length === 0) return <p className="muted small">{t('stats.none')}</p>;
  const end = buckets.at(-1)!.start + BucketSeconds;
  // Each bucket is drawn at its middle, so its bar covers its 10 seconds on the time axis.
  const data = buckets.map((b) => ({ ...b, mid: b.start + BucketSeconds / 2 }));
  const span = (mid: number) => `${format.clock(mid - BucketSeconds / 2)} – ${format.clock(mid + BucketSeconds / 2)}`;
  return (
    <ChartFrame height={300} label={t('stats.timeline.chart')} testId="timeline-chart">
      {(width) => (
        <ComposedChart width={width} height={300} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barGap={0} barCategoryGap={1}>
          <CartesianGrid stroke={ChartColors.grid} vertical={false} />
          <XAxis dataKey="mid" type="number" domain={[0, end]} ticks={clockTicks(end)} tickFormatter={(v: number) => format.clock(v)} tick={AxisTick} stroke={ChartColors.grid} minTickGap={32} />
          <YAxis yAxisId="chat" allowDecimals={false} tickFormatter={(v: number) => format.count(v)} tick={AxisTick} stroke={ChartColors.grid} width={44} />
          <YAxis yAxisId="viewers" orientation="right" allowDecimals={false} tickFormatter={(v: number) => format.count(v)} tick={AxisTick} stroke={ChartColors.grid} width={44} />
          <Tooltip {...TooltipStyle} labelFormatter={(v) => span(Number(v))} formatter={(v) => format.count(Number(v))} />
          <Legend wrapperStyle={legendStyle} />
          {highlights.map((h, i) => (
            <ReferenceArea key={`${h.start}-${i}`} yAxisId="chat" x1={h.start} x2={Math.max(h.end, h.start + BucketSeconds)} fill={ChartColors.highlight} fillOpacity={0.14} stroke="none" ifOverflow="hidden" />
          ))}
          {moments.map((m, i) => (
            <ReferenceLine key={`m-${i}`} yAxisId="chat" x={m.atSeconds} stroke={ChartColors.vod} strokeDasharray="3 3" ifOverflow="extendDomain" label={{ value: m.label, position: 'insideTopLeft', fill: ChartColors.vod, fontSize: 11 }} />
          ))}
          <Bar yAxisId="chat" dataKey="chatMessages" name={t('stats.timeline.messages')} fill={ChartColors.chat} fillOpacity={0.7} stackId="chat" maxBarSize={14} {...still} />
          <Bar yAxisId="chat" dataKey="reactions" name={t('stats.timeline.reactions')} fill={ChartColors.reactions} fillOpacity={0.7} stackId="chat" maxBarSize={14} {...still} />
          <Line yAxisId="chat" type="monotone" dataKey="uniqueChatters" name={t('stats.timeline.chatters')} stroke={ChartColors.chatters} dot={false} strokeWidth={1.5} {...still} />
          <Line yAxisId="viewers" type="linear" dataKey="viewers" name={t('stats.timeline.viewers')} stroke={ChartColors.viewers} dot={false} strokeWidth={2} {...still} />
          <Line yAxisId="viewers" type="linear" dataKey="vodSessions" name={t('stats.timeline.vodSessions')} stroke={ChartColors.vod} dot={false} strokeWidth={1.5} strokeDasharray="4 3" {...still} />
        </ComposedChart>
      )}
    </ChartFrame>
  );
}
