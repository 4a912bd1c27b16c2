import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { useLoad } from '../api/use-load';

/**
 * Names for the `u:<userId>` keys the chat audit log and bans record: "You (email)" for the signed-in user,
 * a moderator's email, or the key itself for anyone else (an API token's owner, a removed moderator).
 */
export function useActorNames(slug: string): (key: string) => string {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const me = useLoad('me', (signal) => api.me(signal));
  const moderators = useLoad(`moderators:${slug}`, (signal) => api.listModerators(slug, signal));
  return (key) => {
    const userId = key.startsWith('u:') ? key.slice(2) : null;
    if (!userId) return key;
    if (me.data?.id === userId) return t('console.chat.you', { email: me.data.email });
    return moderators.data?.items.find((m) => m.userId === userId)?.email ?? key;
  };
}
