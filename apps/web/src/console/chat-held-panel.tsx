import type { HeldMessage } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChatServices } from '../chat/chat-context';
import { AuthorName } from '../chat/chat-message';
import { ChatText } from '../chat/chat-text';
import { formatDateTime } from '../i18n/format';
import { ruleLabel } from './chat-labels';
import { Loaded } from './loaded-table';
import { errorText } from '../api/errors';

/** Messages a filter held for review: approve delivers one to the room, reject drops it. */
export function ChatHeldPanel({ slug, held, error }: { slug: string; held: HeldMessage[] | undefined; error: unknown }) {
  const { t, i18n } = useTranslation();
  const { api } = useChatServices();
  // Decided here but maybe still in the last poll's answer: hide them until the next one.
  const [handled, setHandled] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const decide = async (message: HeldMessage, approve: boolean) => {
    setBusy(message.id);
    setFailure(null);
    try {
      await (approve ? api.approveHeld(slug, message.id) : api.rejectHeld(slug, message.id));
      setHandled((previous) => new Set(previous).add(message.id));
    } catch (caught) {
      setFailure(errorText(t, caught));
    } finally {
      setBusy(null);
    }
  };

  const waiting = held?.filter((m) => !handled.has(m.id));
  return (
    <section aria-label={t('console.chat.tabs.held')} data-testid="held-panel">
      <p className="muted small chat-dash__intro">{t('console.chat.held.intro')}</p>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <Loaded state={{ data: waiting, error }} look="chat" empty={t('console.chat.held.empty')} emptyTestId="held-empty">
        {(rows) => (
          <ul className="held">
            {rows.map((message) => (
                <li key={message.id} className="held__item" data-testid="held-message">
                  <div className="held__head">
                    <AuthorName author={message.author} />
                    <time className="muted small" dateTime={message.createdAt}>
                      {formatDateTime(message.createdAt, i18n.language)}
                    </time>
                  </div>
                  <p className="held__text">
                    <ChatText text={message.text} />
                  </p>
                  <div className="held__foot">
                    <ul className="chips" aria-label={t('console.chat.held.reasons')}>
                      {message.reasons.map((reason) => (
                        <li key={reason} className="chip" title={reason}>
                          {ruleLabel(t, reason)}
                        </li>
                      ))}
                    </ul>
                    <div className="held__actions">
                      <button type="button" className="button button--small" disabled={busy === message.id} onClick={() => void decide(message, false)} data-testid="held-reject">
                        {t('console.chat.held.reject')}
                      </button>
                      <button type="button" className="button button--small button--accent" disabled={busy === message.id} onClick={() => void decide(message, true)} data-testid="held-approve">
                        {t('console.chat.held.approve')}
                      </button>
                    </div>
                  </div>
                </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
