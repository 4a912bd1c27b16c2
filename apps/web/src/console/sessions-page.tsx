import { LiveSessionStates, type LiveSessionDetail, type LiveSessionState } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { formatDateTime, formatDuration } from '../i18n/format';
import { ChannelField, SelectField } from './fields';
import { useLoad } from '../api/use-load';
import { LoadedTable } from './loaded-table';
import { useManagedChannels } from './managed-channels';

const BADGE: Record<LiveSessionState, string> = { starting: 'pending', live: 'live', reconnecting: 'pending', ended: 'offline', failed: 'failed' };

/** `/console/sessions`: broadcasts past and present, filtered by channel and state, newest first. */
export function SessionsPage() {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const [params, setParams] = useSearchParams();
  const channelId = params.get('channel') ?? '';
  const state = (params.get('state') ?? '') as LiveSessionState | '';
  const { channels } = useManagedChannels();
  const [more, setMore] = useState<{ key: string; items: LiveSessionDetail[]; cursor: string | null } | null>(null);
  const key = `${channelId}|${state}`;
  const sessions = useLoad(key, (signal) => api.listLiveSessions({ ...(channelId ? { channelId } : {}), ...(state ? { state } : {}) }, signal));

  const extra = more?.key === key ? more : null;
  const items = [...(sessions.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : (sessions.data?.nextCursor ?? null);
  const slugOf = (id: string) => channels.data?.items.find((c) => c.id === id)?.slug ?? id.slice(0, 8);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await api.listLiveSessions({ ...(channelId ? { channelId } : {}), ...(state ? { state } : {}), cursor });
    setMore({ key, items: [...(extra?.items ?? []), ...page.items], cursor: page.nextCursor });
  };
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.sessions.title')}</h1>
      </div>
      <div className="filters">
        <ChannelField label={t('console.sessions.channel')} value={channelId} onChange={(v) => setFilter('channel', v)} channels={channels.data?.items ?? []} by="id" all={t('console.sessions.all')} />
        <SelectField
          name="state"
          label={t('console.sessions.state')}
          value={state}
          onChange={(v) => setFilter('state', v)}
          options={[{ value: '' as const, label: t('console.sessions.all') }, ...LiveSessionStates.map((s) => ({ value: s, label: t(`console.sessionState.${s}`) }))]}
        />
      </div>
      <LoadedTable
        state={{ data: sessions.data && items, error: sessions.error }}
        empty={t('console.sessions.empty')}
        emptyHint={t('console.sessions.emptyHint')}
        emptyTestId="sessions-empty"
        testId="session-table"
        head={[t('console.sessions.channel'), t('console.sessions.state'), t('console.sessions.started'), t('console.sessions.ended'), t('console.sessions.duration'), { label: t('stats.live.link'), actions: true }]}
        row={(s) => (
          <tr key={s.id}>
            <td className="table__primary">{slugOf(s.channelId)}</td>
            <td>
              <span className={`badge badge--${BADGE[s.state]}`}>{t(`console.sessionState.${s.state}`)}</span>
              {s.endReason && <div className="table__secondary">{s.endReason}</div>}
              {s.degraded && (s.state === 'live' || s.state === 'starting') && (
                <div className="table__secondary" data-testid="session-degraded" title={s.degraded.reason}>
                  {t('console.live.degraded')}
                </div>
              )}
            </td>
            <td>{s.startedAt ? formatDateTime(s.startedAt, i18n.language) : '—'}</td>
            <td>{s.endedAt ? formatDateTime(s.endedAt, i18n.language) : '—'}</td>
            <td>{s.startedAt ? formatDuration(s.startedAt, s.endedAt, i18n.language) : '—'}</td>
            <td className="table__actions">
              <Link to={`/console/sessions/${s.id}/stats`} className="button button--small" data-testid="open-session-stats">
                {t('stats.live.link')}
              </Link>
            </td>
          </tr>
        )}
      />
      {cursor && (
        <div className="form__actions">
          <button type="button" className="button" onClick={() => void loadMore()}>
            {t('console.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
