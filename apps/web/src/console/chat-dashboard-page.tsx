import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { usePoll } from '../api/use-poll';
import { useChatClient, useChatServices } from '../chat/chat-context';
import { ChatPanel } from '../chat/chat-panel';
import { formatNumber } from '../i18n/format';
import { ChatAnnouncementForm } from './chat-announcement-form';
import { ChatAuditPanel } from './chat-audit-panel';
import { ChatBansPanel } from './chat-bans-panel';
import { ChatHeldPanel } from './chat-held-panel';
import { ChatPollsPanel } from './chat-polls-panel';
import { ChatSettingsForm } from './chat-settings-form';
import { ChatStatsPanel } from './chat-stats-panel';
import { BackLink, PageLoadError } from './page-parts';
import { useLoad } from '../api/use-load';
import './chat-dashboard.css';

/** How often the review queue is fetched (held messages reach moderators only over REST). */
export const HeldPollMs = 3000;

const Tabs = ['held', 'bans', 'polls', 'settings', 'audit', 'stats'] as const;
type Tab = (typeof Tabs)[number];

/** `/console/channels/:slug/chat`: the live feed as the owner, with the review queue, bans, polls, settings, audit log and stats. */
export function ChatDashboardPage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const consoleApi = useConsoleApi();
  const { api } = useChatServices();
  const channel = useLoad(slug, (signal) => consoleApi.getChannel(slug, signal));
  const client = useChatClient(channel.data ? slug : null);
  const [tab, setTab] = useState<Tab>('held');
  const held = usePoll(`held:${slug}`, (signal) => api.listHeld(slug, signal), () => HeldPollMs);

  if (channel.error) {
    return <PageLoadError error={channel.error} />;
  }
  if (!channel.data) return <div className="spinner console-spinner" />;
  const c = channel.data;
  const heldCount = held.data?.length ?? 0;

  return (
    <div className="page" data-testid="chat-dashboard">
      <div className="page__head console-head">
        <div>
          <BackLink to={`/console/channels/${c.slug}`} />
          <div className="console-head__title">
            <h1 className="page__title">{t('console.chat.title')}</h1>
            <span className={`badge badge--${c.status}`}>{t(`status.${c.status}`)}</span>
          </div>
          <p className="page__subtitle">{c.title}</p>
        </div>
        <div className="console-head__actions">
          <a href={`/c/${c.slug}`} className="button" target="_blank" rel="noopener noreferrer">
            {t('console.chat.openViewer')}
          </a>
        </div>
      </div>
      <div className="chat-dash">
        <div className="chat-dash__feed">
          {client ? <ChatPanel client={client} className="chat-dash__panel" /> : <div className="chat chat--placeholder chat-dash__panel" />}
          <ChatAnnouncementForm slug={c.slug} />
        </div>
        <div className="chat-dash__tools">
          <div className="tabs" role="tablist" aria-label={t('console.chat.title')}>
            {Tabs.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                id={`chat-tab-${name}`}
                aria-selected={tab === name}
                aria-controls={`chat-tabpanel-${name}`}
                className="tabs__tab"
                onClick={() => setTab(name)}
                data-testid={`chat-tab-${name}`}
              >
                {t(`console.chat.tabs.${name}`)}
                {name === 'held' && heldCount > 0 && (
                  <span className="tabs__count" data-testid="held-count">
                    {formatNumber(heldCount, i18n.language)}
                  </span>
                )}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`chat-tabpanel-${tab}`} aria-labelledby={`chat-tab-${tab}`} className="chat-dash__tab">
            {tab === 'held' && <ChatHeldPanel slug={c.slug} held={held.data} error={held.error} />}
            {tab === 'bans' && <ChatBansPanel slug={c.slug} />}
            {tab === 'polls' && <ChatPollsPanel slug={c.slug} />}
            {tab === 'settings' && <ChatSettingsForm slug={c.slug} />}
            {tab === 'audit' && <ChatAuditPanel slug={c.slug} />}
            {tab === 'stats' && <ChatStatsPanel channelId={c.id} slug={c.slug} />}
          </div>
        </div>
      </div>
    </div>
  );
}
