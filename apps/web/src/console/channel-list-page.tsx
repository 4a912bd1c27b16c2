import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { formatDateTime } from '../i18n/format';
import { useLoad } from '../api/use-load';
import { LoadedTable } from './loaded-table';
import { InvitationsPanel } from './invitations-panel';

/** `/console`: the admin's channels with their live/offline status. */
export function ChannelListPage() {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const channels = useLoad('channels', (signal) => api.listMyChannels(signal));

  return (
    <div className="page">
      <div className="page__head console-head">
        <h1 className="page__title">{t('console.channels.title')}</h1>
        <Link to="/console/channels/new" className="button button--accent" data-testid="new-channel">
          {t('console.channels.new')}
        </Link>
      </div>
      <InvitationsPanel />
      <LoadedTable
        state={{ data: channels.data?.items, error: channels.error }}
        empty={t('console.channels.empty')}
        emptyHint={t('console.channels.emptyHint')}
        emptyIcon="+"
        emptyTestId="channels-empty"
        testId="channel-table"
        head={[t('console.channels.columns.channel'), t('console.channels.columns.status'), t('console.channels.columns.visibility'), t('console.channels.columns.created')]}
        row={(channel) => (
          <tr key={channel.id} data-testid={`channel-row-${channel.slug}`}>
            <td>
              <Link to={`/console/channels/${channel.slug}`} className="table__primary">
                {channel.title}
              </Link>
              <div className="table__secondary">{channel.slug}</div>
            </td>
            <td>
              <span className={`badge badge--${channel.status}`}>{t(`status.${channel.status}`)}</span>
            </td>
            <td>{t(`console.visibility.${channel.visibility}`)}</td>
            <td>{formatDateTime(channel.createdAt, i18n.language)}</td>
          </tr>
        )}
      />
    </div>
  );
}
