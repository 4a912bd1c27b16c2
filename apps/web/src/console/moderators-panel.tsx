import type { Moderator, ModeratorList, PendingModerator } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { ConfirmDialog } from './confirm-dialog';
import { useAction } from './use-action';
import { useLoad } from '../api/use-load';
import { Loaded } from './loaded-table';
import { TitledPanel } from './page-parts';

/**
 * The channel's moderators (they can moderate chat and watch when private): list, invite by email, remove, and the
 * invitations not yet answered (withdraw). An invited account moderates only once it accepts (finding 15).
 */
export function ModeratorsPanel({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const loaded = useLoad(`moderators:${slug}`, (signal) => api.listModerators(slug, signal));
  // Local edits on top of the loaded list, so the panel updates without a reload.
  const [list, setList] = useState<ModeratorList | null>(null);
  const [invited, setInvited] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [removing, setRemoving] = useState<Moderator | null>(null);
  const { busy, error, attempt } = useAction();
  const current = list ?? loaded.data;
  const moderators = current?.items;
  const pending = current?.invitations ?? [];

  const add = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      const answer = await api.addModerator(slug, email.trim());
      setList(await api.listModerators(slug));
      setInvited(answer.email);
      setEmail('');
    });
  };

  const remove = (moderator: Moderator) =>
    void attempt(async () => {
      await api.removeModerator(slug, moderator.userId);
      setList({ items: (moderators ?? []).filter((m) => m.userId !== moderator.userId), invitations: pending });
    }).finally(() => setRemoving(null));

  const withdraw = (invitation: PendingModerator) =>
    void attempt(async () => {
      await api.withdrawInvitation(slug, invitation.id);
      setList({ items: moderators ?? [], invitations: pending.filter((i) => i.id !== invitation.id) });
    });

  return (
    <TitledPanel id="moderators-title" title={t('console.moderators.title')} testId="moderators-panel">
      <Loaded state={{ data: moderators, error: loaded.error }} look="panel" empty={t('console.moderators.empty')} emptyTestId="moderators-empty">
        {(rows) => (
          <ul className="moderators" data-testid="moderator-list">
            {rows.map((m) => (
              <li key={m.userId} className="kv__row" data-testid="moderator">
                <span>
                  {m.displayName} <span className="muted small">{m.email}</span>
                </span>
                <button type="button" className="button" onClick={() => setRemoving(m)} data-testid="remove-moderator">
                  {t('console.moderators.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {pending.length > 0 && (
        <ul className="moderators" data-testid="invitation-list">
          {pending.map((i) => (
            <li key={i.id} className="kv__row" data-testid="pending-invitation">
              <span>
                {i.email} <span className="muted small">{t('console.moderators.pending')}</span>
              </span>
              <button type="button" className="button" onClick={() => withdraw(i)} disabled={busy} data-testid="withdraw-invitation">
                {t('console.moderators.withdraw')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={add} data-testid="moderator-form">
        <label className="field">
          <span className="field__label">{t('console.moderators.email')}</span>
          <input className="field__input" type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="moderator-email" />
        </label>
        {invited && !error && (
          <p className="muted small" role="status" data-testid="invitation-sent">
            {t('console.moderators.invited', { email: invited })}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy || email.trim() === ''} data-testid="add-moderator">
            {t('console.moderators.add')}
          </button>
        </div>
      </form>
      {removing && (
        <ConfirmDialog
          title={t('console.moderators.removeTitle')}
          body={t('console.moderators.removeBody', { email: removing.email })}
          confirmLabel={t('console.moderators.remove')}
          busy={busy}
          onConfirm={() => remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </TitledPanel>
  );
}
