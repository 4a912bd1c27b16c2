import { ChatEmotes, type ChatAuthor, type ChatMessage } from '@onda/contracts';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChatText } from './chat-text';

export type Emote = (typeof ChatEmotes)[number];
export const EmoteGlyphs: Record<Emote, string> = { like: '👍', laugh: '😂', wow: '😮', clap: '👏', heart: '❤️' };

/** What a moderator can do to a message from the chat itself. */
export type ModAction = 'delete' | 'timeout' | 'ban' | 'pin';

interface MessageProps {
  message: ChatMessage;
  language: string;
  /** A machine translation of the text into the viewer's chosen language (`translationLang`), shown under it. */
  translation?: string;
  translationLang?: string;
  /** Present when the viewer has joined (reactions need a joined socket). */
  onReact?: (messageId: string, emote: Emote) => void;
  /** Present for moderators and owners. */
  onModerate?: (action: ModAction, message: ChatMessage) => void;
}

/** One chat line: time, nickname with role badge, text (never HTML), reactions and an inline action bar. */
export const ChatMessageRow = memo(function ChatMessageRow({ message, language, translation, translationLang, onReact, onModerate }: MessageProps) {
  const { t } = useTranslation();
  const announcement = message.kind === 'announcement';
  const reactions = Object.entries(message.reactions ?? {}).filter(([emote, count]) => count > 0 && emote in EmoteGlyphs) as Array<[Emote, number]>;
  return (
    <li
      className={announcement ? 'chat-msg chat-msg--announcement' : 'chat-msg'}
      data-testid="chat-message"
      data-message-id={message.id}
      data-author={message.author.key}
    >
      {announcement && <span className="chat-msg__label">{t('chat.announcement')}</span>}
      <div className="chat-msg__line">
        <time className="chat-msg__time" dateTime={message.createdAt}>
          {formatTime(message.createdAt, language)}
        </time>
        <AuthorName author={message.author} />
        <span className="chat-msg__text" data-testid="chat-text">
          <ChatText text={message.text} />
        </span>
      </div>
      {translation !== undefined && (
        <p className="chat-msg__translation" lang={translationLang} data-testid="chat-translation">
          <span className="chat-tag chat-msg__mt" title={t('chat.translate.machineHint')}>
            {t('chat.translate.machine')}
          </span>{' '}
          <ChatText text={translation} />
        </p>
      )}
      {reactions.length > 0 && (
        <div className="chat-msg__reactions">
          {reactions.map(([emote, count]) => (
            <button
              key={emote}
              type="button"
              className="chat-reaction"
              disabled={!onReact}
              onClick={() => onReact?.(message.id, emote)}
              aria-label={`${t(`chat.emote.${emote}`)} ${count}`}
            >
              <span aria-hidden="true">{EmoteGlyphs[emote]}</span> {new Intl.NumberFormat(language).format(count)}
            </button>
          ))}
        </div>
      )}
      {(onReact || onModerate) && <ActionBar message={message} onReact={onReact} onModerate={onModerate} />}
    </li>
  );
});

/** The nickname in a colour of its own (stable per author) and a badge for moderators, owners and admins. */
export function AuthorName({ author }: { author: ChatAuthor }) {
  const { t } = useTranslation();
  return (
    <span className="chat-msg__author">
      {author.role !== 'viewer' && (
        <span className={`chat-badge chat-badge--${author.role}`} data-testid="role-badge">
          {t(`chat.role.${author.role}`)}
        </span>
      )}
      <span className="chat-msg__nick" style={{ color: nicknameColor(author.key) }}>
        {author.nickname}
      </span>
    </span>
  );
}

function ActionBar({ message, onReact, onModerate }: Pick<MessageProps, 'message' | 'onReact' | 'onModerate'>) {
  const { t } = useTranslation();
  const [menu, setMenu] = useState<'none' | 'emotes' | 'mod'>('none');
  const [confirmBan, setConfirmBan] = useState(false);
  const moderate = (action: ModAction) => {
    if (action === 'ban' && !confirmBan) {
      setConfirmBan(true);
      return;
    }
    setMenu('none');
    setConfirmBan(false);
    onModerate?.(action, message);
  };
  return (
    <div className={menu === 'none' ? 'chat-actions' : 'chat-actions chat-actions--open'} onMouseLeave={() => (setMenu('none'), setConfirmBan(false))}>
      {onReact && (
        <button type="button" className="chat-actions__button" aria-label={t('chat.actions.react')} aria-expanded={menu === 'emotes'} onClick={() => setMenu(menu === 'emotes' ? 'none' : 'emotes')}>
          <span aria-hidden="true">☺</span>
        </button>
      )}
      {onModerate && (
        <button
          type="button"
          className="chat-actions__button"
          aria-label={t('chat.actions.menu')}
          aria-expanded={menu === 'mod'}
          onClick={() => setMenu(menu === 'mod' ? 'none' : 'mod')}
          data-testid="message-menu"
        >
          <span aria-hidden="true">⋯</span>
        </button>
      )}
      {menu === 'emotes' && onReact && (
        <div className="chat-actions__menu chat-actions__menu--row" role="group" aria-label={t('chat.actions.react')}>
          {ChatEmotes.map((emote) => (
            <button key={emote} type="button" className="chat-actions__emote" aria-label={t(`chat.emote.${emote}`)} onClick={() => (setMenu('none'), onReact(message.id, emote))}>
              {EmoteGlyphs[emote]}
            </button>
          ))}
        </div>
      )}
      {menu === 'mod' && (
        <div className="chat-actions__menu" role="menu">
          <button type="button" role="menuitem" onClick={() => moderate('pin')} data-testid="mod-pin">
            {t('chat.actions.pin')}
          </button>
          <button type="button" role="menuitem" onClick={() => moderate('delete')} data-testid="mod-delete">
            {t('chat.actions.delete')}
          </button>
          {message.kind === 'message' && message.author.role === 'viewer' && (
            <>
              <button type="button" role="menuitem" onClick={() => moderate('timeout')} data-testid="mod-timeout">
                {t('chat.actions.timeout')}
              </button>
              <button type="button" role="menuitem" className="chat-actions__danger" onClick={() => moderate('ban')} data-testid="mod-ban">
                {confirmBan ? t('chat.actions.banConfirm', { nickname: message.author.nickname }) : t('chat.actions.ban')}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** A readable hue per author key (same key, same colour) on the dark background. */
export function nicknameColor(key: string): string {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return `hsl(${Math.abs(hash) % 360} 75% 72%)`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  let format = timeFormats.get(language);
  if (!format) timeFormats.set(language, (format = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' })));
  return format.format(date);
}
