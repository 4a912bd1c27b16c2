import type { Clip } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { formatNumber } from '../i18n/format';
import { VideoShelf } from '../vods/recent-vods';
import '../vods/vods.css';
import './clips.css';

/** Clips a page of the channel page shows (and loads on "more"). */
export const ClipPageSize = 12;

/** Only clips that play are listed; a page answering nothing playable still offers "more" if the server has more. */
const playable = (clips: readonly Clip[]) => clips.filter((clip) => clip.status === 'ready');

/**
 * The channel page's clips, newest first: poster, length, title and views, each a link to `/clip/:id`. Nothing while
 * loading, when there are none, or when the list cannot be had (the player and chat matter more).
 */
export function ChannelClips({ slug }: { slug: string }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const first = useLoad(`channel-clips:${slug}`, (signal) => api.listChannelClips(slug, ClipPageSize, undefined, signal));
  const [more, setMore] = useState<{ slug: string; items: Clip[]; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const extra = more?.slug === slug ? more : null;
  const cursor = extra ? extra.cursor : (first.data?.nextCursor ?? null);
  const clips = playable([...(first.data?.items ?? []), ...(extra?.items ?? [])]);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    setFailed(false);
    try {
      const page = await api.listChannelClips(slug, ClipPageSize, cursor);
      setMore({ slug, items: [...(extra?.items ?? []), ...page.items], cursor: page.nextCursor });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  if (clips.length === 0 && !cursor) return null;
  return (
    <VideoShelf
      name="channel-clips"
      className="channel-clips"
      title={t('clip.channelTitle')}
      items={clips}
      card={(clip) => ({
        key: clip.id,
        to: `/clip/${clip.id}`,
        posterUrl: clip.posterUrl,
        durationSeconds: clip.durationSeconds,
        title: clip.title,
        meta: `${t('clip.views', { count: clip.viewCount, formatted: formatNumber(clip.viewCount, i18n.language) })}${clip.hidden ? ` · ${t('clip.hiddenBadge')}` : ''}`,
        testId: 'channel-clip',
      })}
    >
      {failed && (
        <p className="form-error" role="alert">
          {t('clip.moreFailed')}
        </p>
      )}
      {cursor && (
        <div className="channel-clips__more">
          <button type="button" className="button" disabled={busy} onClick={() => void loadMore()} data-testid="channel-clips-more">
            {t('clip.more')}
          </button>
        </div>
      )}
    </VideoShelf>
  );
}
