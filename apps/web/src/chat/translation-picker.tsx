import { ChatLanguages, type ChatLanguage } from '@onda/contracts';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatClient } from './chat-client';

/**
 * The chat's translation language: off, or one of the languages the server translates into. Each language is named
 * in itself (한국어, English) so a viewer finds theirs whatever the page's language. A native select: on a phone it
 * opens the system picker, large enough to hit.
 */
export function TranslationPicker({ client, value, languages }: { client: ChatClient; value: ChatLanguage | null; languages: readonly ChatLanguage[] }) {
  const { t } = useTranslation();
  const id = useId();
  const offered = ChatLanguages.filter((lang) => languages.includes(lang));
  return (
    <span className="chat-translate">
      <label htmlFor={id} className="chat-translate__label">
        <svg className="chat-translate__icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
          <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M4 5h8M8 3v2m2.5 0C9.7 9.2 7.3 12.3 4 14m2-6c1.2 2.4 3.1 4.3 5.5 5.5M12 21l4.5-10 4.5 10m-7.6-3.5h6.2" />
        </svg>
        <span className="visually-hidden">{t('chat.translate.label')}</span>
      </label>
      <select
        id={id}
        className="chat-translate__select"
        value={value ?? 'off'}
        title={t('chat.translate.label')}
        data-testid="chat-translate"
        onChange={(event) => void client.setLanguage(event.target.value === 'off' ? null : (event.target.value as ChatLanguage))}
      >
        <option value="off">{t('chat.translate.off')}</option>
        {offered.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {NativeNames[lang]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** Each language in its own words. */
const NativeNames: Record<ChatLanguage, string> = { ko: '한국어', en: 'English' };
