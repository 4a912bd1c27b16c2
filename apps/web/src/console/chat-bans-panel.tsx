import type { ChatBan } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePoll } from '../api/use-poll';
import { useChatServices } from '../chat/chat-context';
import { formatDateTime } from '../i18n/format';
import { useActorNames } from './chat-actors';
import { ConfirmDialog } from './confirm-dialog';
import { LoadedTable } from './loaded-table';
import { useAction } from './use-action';

/** Bans from the live feed show up here without a reload. */
export const BansPollMs = 5000;

/**
 * Active bans and timeouts, each with a way to lift it. An author's ban can be widened to the address or the /24 (IPv4)
 * or /64 (IPv6) subnet the author joined from (same length); such bans show an opaque label, never the address.
 */
export function ChatBansPanel({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useChatServices();
  const actorName = useActorNames(slug);
  const bans = usePoll(`bans:${slug}`, (signal) => api.listBans(slug, signal), () => BansPollMs);
  const [lifted, setLifted] = useState<ReadonlySet<string>>(new Set());
  const [lifting, setLifting] = useState<ChatBan | null>(null);
  const { busy, error, attempt } = useAction();
  const [widened, setWidened] = useState<ChatBan[]>([]);

  const widen = (ban: ChatBan, scope: 'address' | 'subnet') =>
    attempt(async () => {
      const seconds = ban.expiresAt ? Math.max(1, Math.round((Date.parse(ban.expiresAt) - Date.now()) / 1000)) : undefined;
      const added = await api.ban(slug, { authorKey: ban.authorKey, scope, ...(seconds ? { durationSeconds: seconds } : {}), ...(ban.reason ? { reason: ban.reason } : {}) });
      setWidened((previous) => [...previous, added]);
    });

  const lift = async (ban: ChatBan) => {
    await attempt(async () => {
      await api.unban(slug, ban.id);
      setLifted((previous) => new Set(previous).add(ban.id));
    });
    setLifting(null);
  };

  const now = Date.now();
  const known = new Set(bans.data?.map((ban) => ban.id));
  const active = bans.data && [...bans.data, ...widened.filter((ban) => !known.has(ban.id))].filter((ban) => !lifted.has(ban.id) && (ban.expiresAt === null || Date.parse(ban.expiresAt) > now));
  return (
    <section aria-label={t('console.chat.tabs.bans')} data-testid="bans-panel">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <LoadedTable
        state={{ data: active, error: bans.error }}
        look="chat"
        empty={t('console.chat.bans.empty')}
        emptyTestId="bans-empty"
        testId="ban-table"
        head={[t('console.chat.bans.user'), t('console.chat.bans.kind'), t('console.chat.bans.reason'), t('console.chat.bans.since'), '']}
        row={(ban) => (
          <tr key={ban.id} data-testid="ban-row">
            <td>
              <div className="table__primary">{ban.nickname ?? '—'}</div>
              <div className="table__secondary chat-dash__key">{ban.authorKey}</div>
              {ban.scope !== 'author' && <span className="badge badge--pending">{t(`console.chat.bans.scope.${ban.scope}`)}</span>}
            </td>
            <td>
              {ban.expiresAt === null ? (
                <span className="badge badge--failed">{t('console.chat.bans.ban')}</span>
              ) : (
                <>
                  <span className="badge badge--pending">{t('console.chat.bans.timeout')}</span>
                  <div className="table__secondary">{t('console.chat.bans.until', { time: formatDateTime(ban.expiresAt, i18n.language) })}</div>
                </>
              )}
            </td>
            <td>{ban.reason ?? <span className="muted">—</span>}</td>
            <td>
              {formatDateTime(ban.createdAt, i18n.language)}
              {ban.createdBy && <div className="table__secondary">{actorName(ban.createdBy)}</div>}
            </td>
            <td className="table__actions">
              {ban.scope === 'author' && (
                <>
                  <button type="button" className="button button--small" disabled={busy} onClick={() => void widen(ban, 'address')} data-testid="ban-address" title={t('console.chat.bans.addressHint')}>
                    {t('console.chat.bans.banAddress')}
                  </button>{' '}
                  <button type="button" className="button button--small" disabled={busy} onClick={() => void widen(ban, 'subnet')} data-testid="ban-subnet" title={t('console.chat.bans.subnetHint')}>
                    {t('console.chat.bans.banSubnet')}
                  </button>{' '}
                </>
              )}
              <button type="button" className="button button--small" onClick={() => setLifting(ban)} data-testid="unban">
                {t('console.chat.bans.lift')}
              </button>
            </td>
          </tr>
        )}
      />
      {lifting && (
        <ConfirmDialog
          title={t('console.chat.bans.liftTitle', { nickname: lifting.nickname ?? lifting.authorKey })}
          body={t('console.chat.bans.liftBody')}
          confirmLabel={t('console.chat.bans.lift')}
          busy={busy}
          onConfirm={() => void lift(lifting)}
          onCancel={() => setLifting(null)}
        />
      )}
    </section>
  );
}
