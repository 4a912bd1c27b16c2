import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Channel } from '@onda/contracts';
import { formatDateTime } from '../i18n/format';
import { LoadedTable } from './loaded-table';
import { InvitationsPanel } from './invitations-panel';
import { useManagedChannels } from './managed-channels';

/**
 * `/console`: the signed-in streamer's channels with their live/offline status; an operator's list is every account's
 * channels, each with its owner, and each opens on the same pages a streamer manages its own on.
 */
export function ChannelListPage() {
  const { t, i18n } = useTranslation();
  const { channels, everyone, meId } = useManagedChannels();

  const owner = (channel: Channel) =>
    channel.owner && (
      <div className="table__secondary" data-testid={`channel-owner-${channel.slug}`}>
        {t('console.operatorChannels.owner')}:{' '}
        {channel.owner.id === meId ? t('console.operatorChannels.yours') : `${channel.owner.displayName} (${channel.owner.email})`}
      </div>
    );

  return (
    <div className="page">
      <div className="page__head console-head">
        <div>
          <h1 className="page__title">{everyone ? t('console.operatorChannels.allTitle') : t('console.channels.title')}</h1>
          {everyone && <p className="page__subtitle">{t('console.operatorChannels.allSubtitle')}</p>}
        </div>
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
              {/* Under the title rather than a column of its own: the table stays narrow on a phone. */}
              {owner(channel)}
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
