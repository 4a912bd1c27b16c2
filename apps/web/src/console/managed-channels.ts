import type { Channel } from '@onda/contracts';
import type { Page } from '../api/client';
import { useConsoleApi } from '../api/console-context';
import { useLoad, type LoadState } from '../api/use-load';

/** Stays pending: the channels wait for `me` (the console frame shows its errors). */
const waiting = () => new Promise<never>(() => undefined);

/**
 * The channels the signed-in account manages: its own, or every account's for an operator (each with its `owner`).
 * The channel list and the filters of the sessions and VOD pages read the same list.
 */
export function useManagedChannels(): { channels: LoadState<Page<Channel>>; everyone: boolean; meId: string | undefined } {
  const api = useConsoleApi();
  const me = useLoad('me', (signal) => api.me(signal));
  const everyone = me.data?.operator === true;
  const channels = useLoad(me.data ? `channels-${everyone ? 'all' : 'mine'}` : 'channels-waiting', (signal) =>
    !me.data ? waiting() : everyone ? api.listAllChannels(signal) : api.listMyChannels(signal),
  );
  return { channels, everyone, meId: me.data?.id };
}
