import type { ChatStats } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { usePoll } from '../api/use-poll';
import { useChatServices } from '../chat/chat-context';
import { formatDateTime, formatNumber } from '../i18n/format';
import { actionLabel, ruleLabel } from './chat-labels';
import { SelectField } from './fields';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';

/** Live numbers move: refresh while the tab is open. */
export const StatsPollMs = 10_000;

/** Average and busiest minute of the per-minute series. */
export function minuteSummary(perMinute: ChatStats['perMinute']): { average: number; peak: number } {
  if (perMinute.length === 0) return { average: 0, peak: 0 };
  const total = perMinute.reduce((sum, m) => sum + m.messages, 0);
  return { average: total / perMinute.length, peak: Math.max(...perMinute.map((m) => m.messages)) };
}

/** Chat numbers of the current (or a past) live session; charts come later. */
export function ChatStatsPanel({ channelId, slug }: { channelId: string; slug: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const consoleApi = useConsoleApi();
  const { api } = useChatServices();
  const [session, setSession] = useState('');
  const sessions = useLoad(`chat-sessions:${channelId}`, (signal) => consoleApi.listLiveSessions({ channelId }, signal));
  const stats = usePoll(`chat-stats:${slug}:${session}`, (signal) => api.getStats(slug, session || undefined, signal), () => StatsPollMs);
  const n = (value: number) => formatNumber(value, language);

  const sessionOptions = [
    { value: '', label: t('console.chat.stats.current') },
    ...(sessions.data?.items ?? []).slice(0, 20).map((s) => ({ value: s.id, label: formatDateTime(s.startedAt ?? s.createdAt, language) })),
  ];
  return (
    <section aria-label={t('console.chat.tabs.stats')} data-testid="stats-panel">
      <div className="filters">
        <SelectField name="session" label={t('console.chat.stats.session')} value={session} options={sessionOptions} onChange={setSession} />
      </div>
      {!stats.data ? (
        stats.error ? <p className="form-error">{errorText(t, stats.error)}</p> : <div className="spinner console-spinner" />
      ) : (
        <StatsView stats={stats.data} n={n} />
      )}
    </section>
  );
}

function StatsView({ stats, n }: { stats: ChatStats; n: (value: number) => string }) {
  const { t, i18n } = useTranslation();
  const minutes = minuteSummary(stats.perMinute);
  const decimal = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const tiles: Array<[string, string, string]> = [
    ['messages', t('console.chat.stats.messages'), n(stats.messages)],
    ['chatters', t('console.chat.stats.uniqueChatters'), n(stats.uniqueChatters)],
    ['peak', t('console.chat.stats.peakConnections'), n(stats.peakConnections)],
    ['rate', t('console.chat.stats.perMinute'), `${decimal.format(minutes.average)} / ${n(minutes.peak)}`],
  ];
  const outcomes = (['delivered', 'masked', 'held', 'dropped'] as const).map((key) => [t(`console.chat.stats.outcomes.${key}`), stats.outcomes[key]] as const);
  return (
    <div className="stats" data-testid="chat-stats">
      {!stats.liveSessionId && <p className="muted small">{t('console.chat.stats.noSession')}</p>}
      <dl className="stats__tiles">
        {tiles.map(([key, label, value]) => (
          <div key={key} className="stats__tile" data-testid={`stat-${key}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="stats__tables">
        <CountTable title={t('console.chat.stats.outcomesTitle')} rows={outcomes} n={n} testId="stats-outcomes" />
        <CountTable title={t('console.chat.stats.filterHits')} rows={sortedEntries(stats.filterHits).map(([rule, count]) => [ruleLabel(t, rule), count] as const)} n={n} testId="stats-filters" />
        <CountTable title={t('console.chat.stats.moderationActions')} rows={sortedEntries(stats.moderationActions).map(([action, count]) => [actionLabel(t, action), count] as const)} n={n} testId="stats-actions" />
      </div>
    </div>
  );
}

function sortedEntries(record: Record<string, number>): Array<readonly [string, number]> {
  return Object.entries(record).sort((a, b) => b[1] - a[1]);
}

function CountTable({ title, rows, n, testId }: { title: string; rows: ReadonlyArray<readonly [string, number]>; n: (value: number) => string; testId: string }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid={testId}>
      <h3 className="panel__title">{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">{t('console.chat.stats.none')}</p>
      ) : (
        <dl className="facts">
          {rows.map(([label, value]) => (
            <div key={label} className="stats__row">
              <dt>{label}</dt>
              <dd>{n(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
