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
        <span aria-hidden="true">文A</span>
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
