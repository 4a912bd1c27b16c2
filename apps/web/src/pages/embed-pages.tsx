import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/client';
import { usePoll } from '../api/use-poll';
import { ChannelChat } from '../chat/channel-chat';
import { AlertIcon, MoonIcon, SearchIcon } from '../components/icons';
import { StatePanel } from '../components/state-panel';
import { Player } from '../player/player';
import { parseStartTime } from '../vods/format';
import { channelStage, LivePlayer } from './channel-page';
import { ClipStage } from '../clips/clip-page';
import '../vods/vods.css';

/** `?chat=1` (or `true`) shows the channel's chat beside the player. */
const wantsChat = (value: string | null) => value === '1' || value === 'true';

/** The frame of an embed: the player filling the iframe, a link to the page on this site, and chat if asked. */
function EmbedFrame({ title, href, chat, children }: { title: string; href: string; chat: string | null; children: ReactNode }) {
  return (
    <main className={chat ? 'embed embed--chat' : 'embed'} data-testid="embed">
      <div className="embed__stage">
        {children}
        <a className="embed__title" href={href} target="_blank" rel="noopener">
          {title}
        </a>
      </div>
      {chat && <ChannelChat channel={chat} className="embed__chat" />}
    </main>
  );
}

/** `/embed/c/:slug`: the live player of a channel, for other sites' iframes. */
export function EmbedChannelPage() {
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const api = useApi();
  const [played, setPlayed] = useState<string | null>(null);
  const { data: channel, error } = usePoll(`embed:${slug}`, (signal) => api.getChannel(slug, signal), () => 5000);
  const visible = error instanceof ApiError && error.code === 'not_found' ? undefined : channel;
  const stage = channelStage(visible, error, played, null);
  const session = visible?.liveSession ?? null;
  if (stage.kind === 'playing' && session && played !== session.id) setPlayed(session.id);
  return (
    <EmbedFrame title={visible?.title ?? slug} href={`/c/${slug}`} chat={visible && wantsChat(params.get('chat')) ? visible.slug : null}>
      {stage.kind === 'playing' ? (
        <LivePlayer key={stage.src} src={stage.src} channel={visible} />
      ) : (
        <div className="stage__message">
          {stage.kind === 'not-found' ? (
            <StatePanel icon={<SearchIcon />} title={t('channel.notFoundTitle')} testId="not-found-state" />
          ) : stage.kind === 'unreachable' ? (
            <StatePanel tone="error" icon={<AlertIcon />} title={t('errors.unreachableTitle')} testId="error-state" />
          ) : stage.kind === 'loading' || stage.kind === 'starting' ? (
            <span className="spinner" aria-hidden="true" />
          ) : (
            <StatePanel icon={<MoonIcon />} title={stage.kind === 'ended' ? t('channel.endedTitle') : t('channel.offlineTitle')} hint={t('channel.offlineHint')} testId="offline-state" />
          )}
        </div>
      )}
    </EmbedFrame>
  );
}

/** `/embed/v/:id`: a VOD's player for other sites' iframes; `?t=90` starts at 90 s. */
export function EmbedVodPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const api = useApi();
  const [startAt] = useState(() => parseStartTime(params.get('t')));
  const { data: vod, error } = usePoll(`embed-vod:${id}`, (signal) => api.getVod(id, signal), (data) => (data?.playbackUrl ? 60_000 : 5000));
  return (
    <EmbedFrame title={vod?.title ?? ''} href={`/v/${id}`} chat={null}>
      {vod?.playbackUrl ? (
        <Player key={vod.playbackUrl} kind="vod" src={vod.playbackUrl} poster={vod.posterUrl} startAt={startAt} durationHint={vod.durationSeconds} beacon={{ vodId: vod.id }} />
      ) : (
        <div className="stage__message">
          {error instanceof ApiError && error.code === 'not_found' ? (
            <StatePanel icon={<SearchIcon />} title={t('vod.notFoundTitle')} testId="not-found-state" />
          ) : error ? (
            <StatePanel tone="error" icon={<AlertIcon />} title={t('errors.unreachableTitle')} testId="error-state" />
          ) : (
            <span className="spinner" aria-hidden="true" />
          )}
        </div>
      )}
    </EmbedFrame>
  );
}

/** `/embed/clip/:id`: a clip's player for other sites' iframes. */
export function EmbedClipPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const api = useApi();
  const { data: clip, error } = usePoll(`embed-clip:${id}`, (signal) => api.getClip(id, signal), (data) => (data?.status === 'processing' ? 2000 : 60_000));
  return (
    <EmbedFrame title={clip?.title ?? ''} href={`/clip/${id}`} chat={null}>
      {clip?.status === 'ready' && clip.playbackUrl ? (
        <Player key={clip.playbackUrl} kind="vod" src={clip.playbackUrl} poster={clip.posterUrl} durationHint={clip.durationSeconds} />
      ) : error instanceof ApiError && error.code === 'not_found' ? (
        <div className="stage__message">
          <StatePanel icon={<SearchIcon />} title={t('clip.notFoundTitle')} testId="not-found-state" />
        </div>
      ) : (
        <ClipStage clip={clip} error={error} />
      )}
    </EmbedFrame>
  );
}
