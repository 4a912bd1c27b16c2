import { CHAT_MESSAGE_MAX_LENGTH } from '@onda/contracts';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration, formatNumber } from '../i18n/format';
import type { ChatClient, ChatSnapshot } from './chat-client';
import { ComposerRow } from './composer-row';
import { isWait, visibleLength, type SendFeedback } from './chat-feedback';

/** The message box: character counter, IME-safe Enter, and what happened to the last send. */
export function ChatInput({ client, snapshot }: { client: ChatClient; snapshot: ChatSnapshot }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const counterId = useId();
  const now = useTicker(snapshot.feedback);
  const { feedback, mode, you } = snapshot;
  const waiting = isWait(feedback, now);
  const blocked = feedback?.kind === 'banned' || (mode.registeredOnly && you !== null && !you.registered && !you.canModerate);
  const length = visibleLength(text);
  const tooLong = length > CHAT_MESSAGE_MAX_LENGTH;

  // A countdown that ran out has nothing more to say.
  useEffect(() => {
    if (feedback && 'until' in feedback && feedback.until <= now) client.clearFeedback();
  }, [client, feedback, now]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || waiting || blocked || tooLong || !text.trim()) return;
    setBusy(true);
    try {
      // What was typed while the send was in flight is the next message: clear only the sent text.
      const sent = text;
      if (await client.send(sent)) setText((current) => (current === sent ? '' : current));
    } finally {
      setBusy(false);
    }
  };

  const shown: SendFeedback | null = blocked && feedback?.kind !== 'banned' ? { kind: 'registered-only' } : feedback;
  return (
    <form className="chat-input" onSubmit={(e) => void submit(e)} data-testid="chat-form">
      {shown && <FeedbackLine feedback={shown} now={now} language={i18n.language} onDismiss={() => client.clearFeedback()} />}
      <ComposerRow
        name="message"
        value={text}
        onChange={setText}
        placeholder={t('chat.placeholder')}
        aria-label={t('chat.placeholder')}
        aria-describedby={counterId}
        aria-invalid={tooLong}
        autoComplete="off"
        enterKeyHint="send"
        disabled={blocked}
        data-testid="chat-input"
        submit={{
          label: waiting && feedback.kind !== 'timed-out' ? t('chat.wait', { seconds: formatNumber(secondsLeft(feedback.until, now), i18n.language) }) : t('chat.send'),
          disabled: busy || waiting || blocked || tooLong || !text.trim(),
          testId: 'chat-send',
        }}
      />
      <div className="chat-input__meta">
        <span className="chat-input__who">{you?.nickname && t('chat.chattingAs', { nickname: you.nickname })}</span>
        <span id={counterId} className={tooLong ? 'chat-input__counter chat-input__counter--over' : 'chat-input__counter'} data-testid="chat-counter">
          {formatNumber(length, i18n.language)}/{formatNumber(CHAT_MESSAGE_MAX_LENGTH, i18n.language)}
        </span>
      </div>
    </form>
  );
}

/** One line about the last send; countdowns tick. */
export function FeedbackLine({ feedback, now, language, onDismiss }: { feedback: SendFeedback; now: number; language: string; onDismiss(): void }) {
  const { t } = useTranslation();
  const seconds = 'until' in feedback ? formatNumber(secondsLeft(feedback.until, now), language) : '';
  const text = (() => {
    switch (feedback.kind) {
      case 'held':
        return t('chat.feedback.held');
      case 'dropped':
        return t('chat.feedback.dropped');
      case 'masked':
        return t('chat.feedback.masked');
      case 'slow-mode':
        return t('chat.feedback.slowMode', { seconds });
      case 'rate-limited':
        return t('chat.feedback.rateLimited', { seconds });
      case 'timed-out':
        return t('chat.feedback.timedOut', { time: formatDuration(new Date(now).toISOString(), new Date(feedback.until).toISOString(), language) });
      case 'banned':
        return t('chat.feedback.banned');
      case 'registered-only':
        return t('chat.feedback.registeredOnly');
      case 'too-long':
        return t('chat.feedback.tooLong', { max: formatNumber(CHAT_MESSAGE_MAX_LENGTH, language) });
      case 'offline':
        return t('chat.feedback.offline');
      case 'unavailable':
        return t('chat.feedback.unavailable', { seconds });
      case 'failed':
        return t('chat.feedback.failed', { detail: feedback.detail });
    }
  })();
  const tone = feedback.kind === 'held' || feedback.kind === 'masked' || feedback.kind === 'slow-mode' ? 'info' : 'error';
  return (
    <p className={`chat-feedback chat-feedback--${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid="chat-feedback" data-kind={feedback.kind}>
      <span>{text}</span>
      {!('until' in feedback) && feedback.kind !== 'banned' && (
        <button type="button" className="chat-feedback__close" onClick={onDismiss} aria-label={t('chat.feedback.dismiss')}>
          ×
        </button>
      )}
    </p>
  );
}

function secondsLeft(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** The current time, re-read every second while a countdown is on screen. */
function useTicker(feedback: SendFeedback | null): number {
  const [now, setNow] = useState(() => Date.now());
  const until = feedback && 'until' in feedback ? feedback.until : null;
  useEffect(() => {
    setNow(Date.now());
    if (until === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return now;
}
