import type { ChatAuditEntry } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChatServices } from '../chat/chat-context';
import { formatDateTime } from '../i18n/format';
import { useActorNames } from './chat-actors';
import { actionLabel } from './chat-labels';
import { LoadedTable } from './loaded-table';
import { useAction } from './use-action';
import { useLoad } from '../api/use-load';

/** Every moderation action on the channel's chat, newest first, with "load more". */
export function ChatAuditPanel({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useChatServices();
  const actorName = useActorNames(slug);
  const first = useLoad(`chat-audit:${slug}`, (signal) => api.listAudit(slug, undefined, signal));
  const [more, setMore] = useState<{ items: ChatAuditEntry[]; nextCursor: string | null } | null>(null);
  const { busy, error, attempt } = useAction();

  const entries = first.data && [...first.data.items, ...(more?.items ?? [])];
  const cursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    await attempt(async () => {
      const page = await api.listAudit(slug, cursor);
      setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    });
  };

  return (
    <section aria-label={t('console.chat.tabs.audit')} data-testid="audit-panel">
      <div className="form__actions chat-dash__toolbar">
        <button type="button" className="button button--small" onClick={() => (setMore(null), first.reload())}>
          {t('console.chat.refresh')}
        </button>
      </div>
      <LoadedTable
        state={{ data: entries, error: first.error }}
        look="chat"
        empty={t('console.chat.audit.empty')}
        emptyTestId="audit-empty"
        testId="audit-table"
        head={[t('console.chat.audit.time'), t('console.chat.audit.actor'), t('console.chat.audit.action'), t('console.chat.audit.target'), t('console.chat.audit.detail')]}
        row={(entry) => (
          <tr key={entry.id} data-testid="audit-row">
            <td className="chat-dash__nowrap">{formatDateTime(entry.createdAt, i18n.language)}</td>
            <td>{actorName(entry.actor)}</td>
            <td>
              <span title={entry.action}>{actionLabel(t, entry.action)}</span>
            </td>
            <td className="chat-dash__key">{entry.target ?? '—'}</td>
            <td className="chat-dash__detail">{describe(entry.detail)}</td>
          </tr>
        )}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {cursor && (
        <div className="form__actions chat-dash__toolbar">
          <button type="button" className="button" disabled={busy} onClick={() => void loadMore()}>
            {t('console.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

/** `key: value` pairs of the detail object (empty values left out), as plain text. */
function describe(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length ? parts.join(' · ') : '—';
}
