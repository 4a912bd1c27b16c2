import type { Moderator } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { ConfirmDialog } from './confirm-dialog';
import { errorText } from './format';
import { useLoad } from './use-load';

/** The channel's moderators (they can moderate chat and watch when private): list, add by email, remove. */
export function ModeratorsPanel({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const loaded = useLoad(`moderators:${slug}`, (signal) => api.listModerators(slug, signal));
  // Local edits on top of the loaded list, so the panel updates without a reload.
  const [list, setList] = useState<Moderator[] | null>(null);
  const [email, setEmail] = useState('');
  const [removing, setRemoving] = useState<Moderator | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const moderators = list ?? loaded.data;

  const attempt = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorText(t, caught));
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      const added = await api.addModerator(slug, email.trim());
      setList([...(moderators ?? []).filter((m) => m.userId !== added.userId), added]);
      setEmail('');
    });
  };

  const remove = (moderator: Moderator) =>
    void attempt(async () => {
      await api.removeModerator(slug, moderator.userId);
      setList((moderators ?? []).filter((m) => m.userId !== moderator.userId));
    }).finally(() => setRemoving(null));

  return (
    <section className="panel" aria-labelledby="moderators-title" data-testid="moderators-panel">
      <h2 id="moderators-title" className="panel__title">
        {t('console.moderators.title')}
      </h2>
      {loaded.error && !moderators ? (
        <p className="form-error">{errorText(t, loaded.error)}</p>
      ) : !moderators ? (
        <div className="spinner console-spinner" />
      ) : moderators.length === 0 ? (
        <p className="muted small" data-testid="moderators-empty">
          {t('console.moderators.empty')}
        </p>
      ) : (
        <ul className="moderators" data-testid="moderator-list">
          {moderators.map((m) => (
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
      <form className="form" onSubmit={add} data-testid="moderator-form">
        <label className="field">
          <span className="field__label">{t('console.moderators.email')}</span>
          <input className="field__input" type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="moderator-email" />
        </label>
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
    </section>
  );
}
