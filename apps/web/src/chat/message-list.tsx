import type { ChatMessage } from '@onda/contracts';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChatMessageRow, type Emote, type ModAction } from './chat-message';

/** How close to the bottom (px) still counts as "following" the chat. */
const StickSlackPx = 48;

interface MessageListProps {
  messages: readonly ChatMessage[];
  /** Machine translations by message id, into `translateTo`. */
  translations?: Readonly<Record<string, string>>;
  translateTo?: string | null;
  /** What an empty list says (nothing while connecting). */
  emptyText?: string;
  onReact?: (messageId: string, emote: Emote) => void;
  onModerate?: (action: ModAction, message: ChatMessage) => void;
}

/**
 * The scrolling message list. It follows new messages while the viewer is at the bottom; once they scroll up
 * to read, it stays put and counts what arrived below, with a button to jump back down.
 */
export function MessageList({ messages, translations, translateTo, emptyText, onReact, onModerate }: MessageListProps) {
  const { t, i18n } = useTranslation();
  const listRef = useRef<HTMLOListElement>(null);
  const following = useRef(true);
  const [paused, setPaused] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const lastSeenId = useRef<string | undefined>(undefined);

  const toBottom = useCallback(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    const lastId = messages.at(-1)?.id;
    if (following.current) {
      toBottom();
    } else if (lastId !== lastSeenId.current) {
      const at = messages.findIndex((m) => m.id === lastSeenId.current);
      const arrived = at >= 0 ? messages.length - 1 - at : messages.length;
      setUnseen((count) => count + arrived);
    }
    lastSeenId.current = lastId;
  }, [messages, translations, toBottom]);

  // The list also shrinks and grows (a poll card opens, the window resizes): stay at the bottom while following.
  useEffect(() => {
    const list = listRef.current;
    if (!list || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => following.current && toBottom());
    observer.observe(list);
    return () => observer.disconnect();
  }, [toBottom]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight <= StickSlackPx;
    following.current = atBottom;
    setPaused(!atBottom);
    if (atBottom) setUnseen(0);
  };

  const resume = () => {
    following.current = true;
    setPaused(false);
    setUnseen(0);
    toBottom();
  };

  return (
    <div className="chat-list">
      <ol ref={listRef} className="chat-list__items" onScroll={onScroll} role="log" aria-label={t('chat.messages')} data-testid="chat-messages">
        {messages.map((message) => (
          <ChatMessageRow
            key={message.id}
            message={message}
            language={i18n.language}
            translation={translations?.[message.id]}
            translationLang={translateTo ?? undefined}
            onReact={onReact}
            onModerate={onModerate}
          />
        ))}
      </ol>
      {messages.length === 0 && emptyText && (
        <p className="chat-list__empty" data-testid="chat-empty">
          {emptyText}
        </p>
      )}
      {paused && (
        <button type="button" className="chat-list__resume" onClick={resume} data-testid="chat-resume">
          {unseen > 0 ? t('chat.newMessages', { count: unseen }) : t('chat.jumpToLatest')}
          <span aria-hidden="true"> ↓</span>
        </button>
      )}
    </div>
  );
}
