import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatClient, ChatSnapshot } from './chat-client';
import { ComposerRow } from './composer-row';

/**
 * Asks an anonymous viewer who is reading the room for a nickname to send with (kept in localStorage, so the next
 * visit joins with it at once), checked with the contract's rules.
 */
export function NicknameForm({ client, snapshot }: { client: ChatClient; snapshot: ChatSnapshot }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const id = useId();
  const error = snapshot.nicknameError;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void client.chooseNickname(value);
  };

  return (
    <form className="chat-nick" onSubmit={submit} data-testid="nickname-form" noValidate>
      <label className="chat-nick__label" htmlFor={id}>
        {t('chat.nickname.title')}
      </label>
      <ComposerRow
        id={id}
        name="nickname"
        value={value}
        onChange={setValue}
        placeholder={t('chat.nickname.label')}
        aria-invalid={error !== null}
        aria-describedby={`${id}-hint`}
        autoComplete="nickname"
        maxLength={40}
        data-testid="nickname-input"
        submit={{ label: t('chat.nickname.submit'), disabled: !value.trim(), testId: 'nickname-submit' }}
      />
      <p id={`${id}-hint`} className={error ? 'chat-nick__hint chat-nick__hint--error' : 'chat-nick__hint'} role={error ? 'alert' : undefined} data-testid="nickname-hint">
        {error ? t(`chat.nickname.${error}`) : t('chat.nickname.hint')}
      </p>
    </form>
  );
}
