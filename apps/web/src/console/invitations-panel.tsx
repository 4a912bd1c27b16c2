import type { ModeratorInvitation } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';
import { TitledPanel } from './page-parts';

/** Invitations to moderate other accounts' channels, addressed to the signed-in account: accept or decline (finding 15). */
export function InvitationsPanel() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const loaded = useLoad('my-invitations', (signal) => api.listMyInvitations(signal));
  const [answered, setAnswered] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const open = (loaded.data ?? []).filter((i) => !answered.includes(i.id));
  if (open.length === 0 && !error) return null;

  const answer = (invitation: ModeratorInvitation, accept: boolean) => {
    setError(null);
    api.answerInvitation(invitation.id, accept).then(
      () => setAnswered((a) => [...a, invitation.id]),
      (caught: unknown) => setError(errorText(t, caught)),
    );
  };

  return (
    <TitledPanel id="invitations-title" title={t('console.invitations.title')} testId="invitations-panel">
      <ul className="moderators">
        {open.map((i) => (
          <li key={i.id} className="kv__row" data-testid="my-invitation">
            <span>{t('console.invitations.body', { title: i.channel.title, slug: i.channel.slug })}</span>
            <span>
              <button type="button" className="button button--accent" onClick={() => answer(i, true)} data-testid="accept-invitation">
                {t('console.invitations.accept')}
              </button>{' '}
              <button type="button" className="button" onClick={() => answer(i, false)} data-testid="decline-invitation">
                {t('console.invitations.decline')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </TitledPanel>
  );
}
