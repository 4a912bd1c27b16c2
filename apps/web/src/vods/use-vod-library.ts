import type { Vod } from '@onda/contracts';
import { useRef, useState } from 'react';
import type { Page } from '../api/client';
import type { ConsoleApi } from '../api/console-client';
import { usePoll } from '../api/use-poll';
import { isInProgress } from './format';

/** Poll cadence of the library: quick while anything uploads or encodes, slow otherwise (new recordings). */
export const LibraryBusyPollMs = 2000;
export const LibraryIdlePollMs = 15_000;
const LibraryErrorPollMs = 5000;
const PageSize = 50;

/** The owner's VODs, polled, with local edits shown until the next answer from the server. */
export interface VodLibrary {
  items: Vod[] | undefined;
  error: unknown;
  /** More pages exist beyond the loaded ones. */
  hasMore: boolean;
  loadMore(): Promise<void>;
  rename(vod: Vod, title: string): Promise<void>;
  remove(vod: Vod): Promise<void>;
  /** Fetches again now (e.g. after an upload). */
  refresh(): void;
}

/**
 * Polls the first page of `channel`'s VODs (all channels when ''), every 2 s while one is in
 * progress. Edits bump a generation so a fresh request follows at once; until it answers, the
 * previous page is shown with the edit applied (no spinner, no stale title).
 */
export function useVodLibrary(api: ConsoleApi, channel: string): VodLibrary {
  const [generation, setGeneration] = useState(0);
  const [patches, setPatches] = useState<Record<string, Vod | null>>({});
  const [more, setMore] = useState<{ channel: string; items: Vod[]; cursor: string | null } | null>(null);
  const poll = usePoll(
    `${channel}#${generation}`,
    (signal) => api.listMyVods({ ...(channel ? { channel } : {}), limit: PageSize }, signal),
    (page, error) => (page?.items.some(isInProgress) ? LibraryBusyPollMs : error ? LibraryErrorPollMs : LibraryIdlePollMs),
  );
  // The last page of this filter, shown while a refresh is in flight.
  const lastRef = useRef<{ channel: string; page: Page<Vod> } | null>(null);
  if (poll.data) lastRef.current = { channel, page: poll.data };
  const stale = lastRef.current?.channel === channel ? lastRef.current.page : undefined;
  const page = poll.data ?? stale;

  const patch = (items: Vod[]) => items.flatMap((vod) => (vod.id in patches ? (patches[vod.id] ? [patches[vod.id]!] : []) : [vod]));
  const extra = more?.channel === channel ? more : null;
  let items: Vod[] | undefined;
  if (page) {
    const first = poll.data ? poll.data.items : patch(page.items);
    const seen = new Set(first.map((vod) => vod.id));
    items = [...first, ...patch(extra?.items ?? []).filter((vod) => !seen.has(vod.id))];
  }
  const cursor = extra ? extra.cursor : (page?.nextCursor ?? null);

  const edit = (id: string, next: Vod | null) => {
    setPatches((previous) => ({ ...previous, [id]: next }));
    setGeneration((g) => g + 1);
  };

  return {
    items,
    error: page ? undefined : poll.error,
    hasMore: cursor !== null,
    async loadMore() {
      if (!cursor) return;
      const next = await api.listMyVods({ ...(channel ? { channel } : {}), cursor, limit: PageSize });
      setMore({ channel, items: [...(extra?.items ?? []), ...next.items], cursor: next.nextCursor });
    },
    async rename(vod, title) {
      edit(vod.id, await api.updateVod(vod.id, { title }));
    },
    async remove(vod) {
      await api.deleteVod(vod.id);
      edit(vod.id, null);
    },
    refresh() {
      setGeneration((g) => g + 1);
    },
  };
}
