import type { ChatMessage } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/errors';
import { formatNumber } from '../i18n/format';
import type { ChatClient } from './chat-client';
import { useChatServices, useChatSnapshot } from './chat-context';
import { ChatInput } from './chat-input';
import type { Emote, ModAction } from './chat-message';
import { MessageList } from './message-list';
import { NicknameForm } from './nickname-form';
import { PinnedBar, PollCard } from './poll-card';
import { TranslationPicker } from './translation-picker';
import { CommerceChatStrip } from '../commerce/commerce-chat-strip';
import './chat.css';

/** How long the inline "time out" lasts. */
export const InlineTimeoutSeconds = 600;

/**
 * The chat beside the player (and the console's live feed): header with viewer count and connection state,
 * pinned message, poll, messages, and the input or the nickname prompt. The room shows at once: an anonymous viewer
 * reads, votes and reacts, and picks a nickname in place of the input to send. Moderators get inline actions.
 */
export function ChatPanel({ client, className = '' }: { client: ChatClient; className?: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useChatServices();
  const snapshot = useChatSnapshot(client);
  const [actionError, setActionError] = useState<string | null>(null);
  const [dismissedPoll, setDismissedPoll] = useState<string | null>(null);
  const { status, you, poll, pinned } = snapshot;
  const joined = status === 'joined';
  const canModerate = you?.canModerate ?? false;
  // Without a nickname the input area asks for one, unless sending is out of reach anyway (banned, registered-only room).
  const needsNickname = you !== null && you.nickname === null && !you.banned && !snapshot.mode.registeredOnly;

  const act = async (work: () => Promise<void>) => {
    setActionError(null);
    try {
      await work();
    } catch (caught) {
      setActionError(errorText(t, caught));
    }
  };

  const moderate = (action: ModAction, message: ChatMessage) =>
    void act(async () => {
      const channel = client.channel;
      const authorKey = message.author.key;
      if (action === 'delete') {
        await api.deleteMessage(channel, message.id);
        client.applyLocal([{ type: 'delete', messageIds: [message.id] }]);
      } else if (action === 'pin') {
        await api.pin(channel, message.id);
        client.applyLocal([{ type: 'pin', message }]);
      } else {
        await api.ban(channel, action === 'timeout' ? { authorKey, durationSeconds: InlineTimeoutSeconds } : { authorKey });
      }
    });

  const unpin = () =>
    void act(async () => {
      await api.pin(client.channel, null);
      client.applyLocal([{ type: 'pin', message: null }]);
    });

  const react = (messageId: string, emote: Emote) => void client.react(messageId, emote);

  return (
    <section className={`chat ${className}`} aria-labelledby="chat-title" data-testid="chat-panel" data-status={status}>
      <header className="chat__head">
        <h2 id="chat-title" className="chat__title">
          {t('chat.title')}
        </h2>
        {snapshot.mode.slowModeSeconds > 0 && (
          <span className="chat-tag chat__mode" data-testid="chat-slow-mode">
            {t('chat.mode.slow', { seconds: formatNumber(snapshot.mode.slowModeSeconds, i18n.language) })}
          </span>
        )}
        {snapshot.translation.enabled && <TranslationPicker client={client} value={snapshot.translateTo} languages={snapshot.translation.languages} />}
        <span className="chat__viewers" data-testid="chat-viewers">
          {t('chat.viewers', { count: snapshot.viewers, formatted: formatNumber(snapshot.viewers, i18n.language) })}
        </span>
      </header>
      {status === 'reconnecting' && (
        <p className="chat__banner" role="status" data-testid="chat-reconnecting">
          <span className="chat__dot" aria-hidden="true" />
          {t('chat.reconnecting')}
        </p>
      )}
      <CommerceChatStrip channel={client.channel} moments={snapshot.commerce} />
      {pinned && <PinnedBar message={pinned} onUnpin={canModerate ? unpin : undefined} />}
      {poll && poll.id !== dismissedPoll && (
        <PollCard
          poll={poll}
          yourVote={snapshot.yourVote}
          onVote={joined && poll.status === 'open' ? (option) => void client.vote(poll.id, option) : undefined}
          onDismiss={() => setDismissedPoll(poll.id)}
          resultsOnly={canModerate}
        />
      )}
      {status === 'failed' ? (
        <div className="chat__failed" role="alert" data-testid="chat-failed">
          <p>{snapshot.joinError?.code === 'not_found' ? t('chat.notFound') : t('chat.failed')}</p>
          {snapshot.joinError && <p className="chat__failed-detail">{snapshot.joinError.detail}</p>}
          <button type="button" className="chat-input__send" onClick={() => client.retry()}>
            {t('chat.retry')}
          </button>
        </div>
      ) : (
        <MessageList
          messages={snapshot.messages}
          translations={snapshot.translations}
          translateTo={snapshot.translateTo}
          emptyText={joined ? t('chat.empty') : undefined}
          onReact={joined ? react : undefined}
          onModerate={canModerate ? moderate : undefined}
        />
      )}
      {(status === 'connecting' || status === 'joining') && (
        <p className="chat__connecting" role="status" data-testid="chat-connecting">
          <span className="spinner spinner--small" aria-hidden="true" />
          {t('chat.connecting')}
        </p>
      )}
      {actionError && (
        <p className="chat-feedback chat-feedback--error" role="alert" data-testid="chat-action-error">
          <span>{t('chat.actions.failed', { detail: actionError })}</span>
          <button type="button" className="chat-feedback__close" onClick={() => setActionError(null)} aria-label={t('chat.feedback.dismiss')}>
            ×
          </button>
        </p>
      )}
      {status !== 'failed' && needsNickname ? (
        <NicknameForm client={client} snapshot={snapshot} />
      ) : (
        status !== 'failed' && <ChatInput client={client} snapshot={snapshot} />
      )}
    </section>
  );
}
