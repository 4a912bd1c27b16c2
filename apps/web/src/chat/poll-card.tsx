import type { ChatMessage, Poll } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../i18n/format';
import { AuthorName } from './chat-message';
import { ChatText } from './chat-text';

/** Percent of the votes for one option, rounded; 0 without votes. */
export function percentOf(votes: number, total: number): number {
  return total > 0 ? Math.round((votes / total) * 100) : 0;
}

interface PollCardProps {
  poll: Poll;
  yourVote: number | null;
  /** Absent when the viewer cannot vote (not joined); results still show. */
  onVote?: (option: number) => void;
  onDismiss?: () => void;
  /** Moderators watch the results rather than the vote buttons. */
  resultsOnly?: boolean;
}

/**
 * The open (or just closed) poll: one button per option until this viewer votes, then live results as
 * percent bars. Closed polls show final results.
 */
export function PollCard({ poll, yourVote, onVote, onDismiss, resultsOnly = false }: PollCardProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const open = poll.status === 'open';
  const [collapsed, setCollapsed] = useState(false);
  const showResults = !open || yourVote !== null || !onVote || resultsOnly;
  const percent = new Intl.NumberFormat(language, { style: 'percent' });
  return (
    <section className="chat-poll" aria-labelledby={`poll-${poll.id}`} data-testid="chat-poll" data-status={poll.status}>
      <div className="chat-poll__head">
        <span className="chat-poll__label">{open ? t('chat.poll.title') : t('chat.poll.closed')}</span>
        <button type="button" className="chat-poll__toggle" onClick={() => setCollapsed(!collapsed)} aria-expanded={!collapsed} data-testid="poll-toggle">
          {collapsed ? t('chat.poll.show') : t('chat.poll.hide')}
        </button>
        {!open && onDismiss && (
          <button type="button" className="chat-poll__close" onClick={onDismiss} aria-label={t('chat.feedback.dismiss')}>
            ×
          </button>
        )}
      </div>
      <h3 id={`poll-${poll.id}`} className="chat-poll__question">
        {poll.question}
      </h3>
      {!collapsed && (
        <>
          <ul className="chat-poll__options">
            {poll.options.map((option, index) => (
              <li key={index}>
                {showResults ? (
                  <PollResult label={option.label} share={percentOf(option.votes, poll.totalVotes)} mine={index === yourVote} percent={percent} />
                ) : (
                  <button type="button" className="chat-poll__vote" onClick={() => onVote?.(index)} data-testid="poll-vote">
                    {option.label}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <p className="chat-poll__meta">
            {t('chat.poll.votes', { count: poll.totalVotes, formatted: formatNumber(poll.totalVotes, language) })}
            {open && poll.closesAt && <> · {t('chat.poll.closesAt', { time: formatDateTime(poll.closesAt, language) })}</>}
          </p>
        </>
      )}
    </section>
  );
}

/** One option's share as a bar behind its label. */
function PollResult({ label, share, mine, percent }: { label: string; share: number; mine: boolean; percent: Intl.NumberFormat }) {
  return (
    <div className={mine ? 'chat-poll__result chat-poll__result--mine' : 'chat-poll__result'} data-testid="poll-result">
      <span className="chat-poll__bar" style={{ width: `${share}%` }} aria-hidden="true" />
      <span className="chat-poll__option">{label}</span>
      <span className="chat-poll__share">{percent.format(share / 100)}</span>
    </div>
  );
}

/** The pinned message above the list; moderators can unpin it. */
export function PinnedBar({ message, onUnpin }: { message: ChatMessage; onUnpin?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="chat-pinned" data-testid="chat-pinned">
      <span className="chat-pinned__label">
        <span aria-hidden="true">📌 </span>
        {t('chat.pinned')}
      </span>
      <p className="chat-pinned__text">
        <AuthorName author={message.author} />
        <ChatText text={message.text} />
      </p>
      {onUnpin && (
        <button type="button" className="chat-pinned__unpin" onClick={onUnpin} data-testid="chat-unpin">
          {t('chat.unpin')}
        </button>
      )}
    </div>
  );
}
