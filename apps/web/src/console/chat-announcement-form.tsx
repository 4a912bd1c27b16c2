import { CHAT_MESSAGE_MAX_LENGTH } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useChatServices } from '../chat/chat-context';
import { ComposerRow } from '../chat/composer-row';
import { visibleLength } from '../chat/chat-feedback';
import { formatNumber } from '../i18n/format';
import { errorText } from '../api/errors';

/** Posts an announcement: a message styled apart in every viewer's chat. */
export function ChatAnnouncementForm({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useChatServices();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const length = visibleLength(text.trim());
  const tooLong = length > CHAT_MESSAGE_MAX_LENGTH;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim() || tooLong) return;
    setBusy(true);
    setStatus(null);
    try {
      await api.announce(slug, text.trim());
      setText('');
      setStatus({ ok: true, text: t('console.chat.announce.sent') });
    } catch (caught) {
      setStatus({ ok: false, text: errorText(t, caught) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel chat-announce" onSubmit={(e) => void submit(e)} data-testid="announce-form">
      <label className="panel__title" htmlFor="chat-announce-text">
        {t('console.chat.announce.title')}
      </label>
      <ComposerRow
        id="chat-announce-text"
        value={text}
        onChange={(value) => (setText(value), setStatus(null))}
        placeholder={t('console.chat.announce.placeholder')}
        aria-invalid={tooLong}
        data-testid="announce-input"
        submit={{ label: t('console.chat.announce.submit'), disabled: busy || !text.trim() || tooLong, testId: 'announce-submit' }}
      />
      <div className="chat-input__meta">
        <span className={status?.ok === false ? 'form-error' : ''} role={status ? 'status' : undefined}>
          {status?.text}
        </span>
        <span className={tooLong ? 'chat-input__counter chat-input__counter--over' : 'chat-input__counter'}>
          {formatNumber(length, i18n.language)}/{formatNumber(CHAT_MESSAGE_MAX_LENGTH, i18n.language)}
        </span>
      </div>
    </form>
  );
}
