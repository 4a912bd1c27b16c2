import type { Channel, CommerceMoment } from '@onda/contracts';
import { useState, type ComponentProps } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/client';
import { usePoll } from '../api/use-poll';
import { AlertIcon, MoonIcon, SearchIcon, StopIcon } from '../components/icons';
import { SharePanel } from '../components/share-panel';
import { StatePanel } from '../components/state-panel';
import { formatDateTime } from '../i18n/format';
import { ChannelChat } from '../chat/channel-chat';
import { Player } from '../player/player';
import { RecentVods, useRecentVods } from '../vods/recent-vods';
import { ChannelClips } from '../clips/channel-clips';
import { ClipDialog } from '../clips/clip-dialog';
import { CommerceOverlay } from '../commerce/commerce-overlay';

/**
 * Poll cadence, a fallback only: a broadcast becoming playable is pushed over the chat socket (`live` item),
 * which refreshes at once. Slower while one plays (only to see it end).
 */
export const PollOfflineMs = 5000;
export const PollLiveMs = 5000;
const PollMissingMs = 10_000;

type Stage =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | { kind: 'not-found' }
  | { kind: 'offline' }
  | { kind: 'starting' }
  | { kind: 'ended' }
  | { kind: 'playing'; src: string };

/**
 * Decides what the stage shows. `playedSessionId` is the session this page already played,
 * so "offline after watching" reads as "ended" and a lingering live status after ENDLIST
 * does not restart the finished stream.
 */
export function channelStage(
  channel: Channel | undefined,
  error: unknown,
  playedSessionId: string | null,
  endedSessionId: string | null,
): Stage {
  if (!channel) {
    if (error instanceof ApiError && error.code === 'not_found') return { kind: 'not-found' };
    return error ? { kind: 'unreachable' } : { kind: 'loading' };
  }
  const session = channel.liveSession;
  if (channel.status !== 'live' || !session) return playedSessionId ? { kind: 'ended' } : { kind: 'offline' };
  if (session.id === endedSessionId || session.state === 'ended' || session.state === 'failed') {
    return playedSessionId ? { kind: 'ended' } : { kind: 'offline' };
  }
  if (!session.playbackUrl) return { kind: 'starting' };
  return { kind: 'playing', src: session.playbackUrl };
}

/** The live player of a channel's broadcast (`src` from channelStage), as the channel page and its embed show it. */
export function LivePlayer({ src, channel, ...handlers }: { src: string; channel: Channel | undefined } & Pick<ComponentProps<typeof Player>, 'onEnded' | 'onClip'>) {
  const session = channel?.liveSession ?? null;
  return (
    <Player
      kind="live"
      src={src}
      latencyMode={session?.latencyMode}
      dvrWindowSeconds={channel?.dvrWindowSeconds ?? 0}
      beacon={session ? { liveSessionId: session.id, startedAt: session.startedAt } : undefined}
      {...handlers}
    />
  );
}

/** `/c/:slug`: the player page. */
export function ChannelPage() {
  const { slug = '' } = useParams();
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [played, setPlayed] = useState<{ slug: string; sessionId: string | null; endedId: string | null }>({
    slug,
    sessionId: null,
    endedId: null,
  });
  const current = played.slug === slug ? played : { slug, sessionId: null, endedId: null };
  const { data: channel, error, refresh } = usePoll(
    slug,
    (signal) => api.getChannel(slug, signal),
    (data, failed) =>
      failed instanceof ApiError && failed.code === 'not_found'
        ? PollMissingMs
        : data?.status === 'live'
          ? PollLiveMs
          : PollOfflineMs,
  );
  const recentVods = useRecentVods(slug);
  // Where the viewer was behind the live edge when they pressed "Clip"; null while the dialog is closed.
  const [clipBehind, setClipBehind] = useState<number | null>(null);
  // Sponsor and commerce moments pushed over the chat socket (the overlay reads the ones on screen at first).
  const [commerce, setCommerce] = useState<CommerceMoment[]>([]);
  // A 404 after the channel was seen means it was deleted; other errors keep the last good state.
  const visible = error instanceof ApiError && error.code === 'not_found' ? undefined : channel;
  const stage = channelStage(visible, error, current.sessionId, current.endedId);
  const session = visible?.liveSession ?? null;

  if (stage.kind === 'playing' && session && current.sessionId !== session.id) {
    // Recorded during render (not in an effect) so the ended state is right on the next poll.
    setPlayed({ slug, sessionId: session.id, endedId: current.endedId });
  }

  if (stage.kind === 'not-found') {
    return (
      <div className="page">
        <StatePanel icon={<SearchIcon />} title={t('channel.notFoundTitle')} hint={t('channel.notFoundHint')} testId="not-found-state">
          <Link className="button button--accent" to="/">
            {t('notFound.back')}
          </Link>
        </StatePanel>
      </div>
    );
  }

  const startedAt = session?.startedAt ?? null;
  return (
    <div className="watch">
      <div className="watch__main">
        <div className="commerce-anchor">
          <div className="stage">
            {stage.kind === 'playing' ? (
              <LivePlayer
                key={stage.src}
                src={stage.src}
                channel={visible}
                onEnded={() => setPlayed({ slug, sessionId: session?.id ?? null, endedId: session?.id ?? null })}
                onClip={visible && visible.clipPolicy !== 'off' ? (at) => setClipBehind(at.behindLive) : undefined}
              />
            ) : (
              <StageMessage kind={stage.kind} />
            )}
          </div>
          {visible && <CommerceOverlay key={visible.slug} channel={visible.slug} pushed={commerce} />}
        </div>
        {visible && (
          <ClipDialog
            open={clipBehind !== null}
            onClose={() => setClipBehind(null)}
            defaultTitle={visible.title}
            request={(length, title) => ({ kind: 'live', channel: visible.slug, durationSeconds: length, behindLiveSeconds: Math.round((clipBehind ?? 0) * 10) / 10, title })}
          />
        )}
        <div className="watch__info">
          <div className="watch__title-row">
            <h1 className="watch__title">{visible?.title ?? slug}</h1>
            {visible && (
              <span className={stage.kind === 'playing' ? 'badge badge--live' : 'badge badge--offline'}>
                {stage.kind === 'playing' ? t('status.live') : t('status.offline')}
              </span>
            )}
          </div>
          <p className="watch__meta">
            <span>/{slug}</span>
            {stage.kind === 'playing' && startedAt && (
              <time dateTime={startedAt}>{t('channel.startedAt', { time: formatDateTime(startedAt, i18n.language) })}</time>
            )}
          </p>
          {visible && <SharePanel path={`/c/${visible.slug}`} />}
          {stage.kind === 'playing' && session && session.renditions.length > 0 && (
            <ul className="chips watch__qualities" aria-label={t('channel.qualities')}>
              {session.renditions.map((name) => (
                <li key={name} className="chip">
                  {name}
                </li>
              ))}
            </ul>
          )}
        </div>
        <RecentVods vods={recentVods} />
        {visible && <ChannelClips slug={visible.slug} />}
      </div>
      <aside className="watch__side" aria-label={t('chat.title')}>
        {visible && <ChannelChat channel={visible.slug} className="watch__chat" onLive={refresh} onCommerce={setCommerce} />}
      </aside>
    </div>
  );
}

function StageMessage({ kind }: { kind: Exclude<Stage['kind'], 'playing' | 'not-found'> }) {
  const { t } = useTranslation();
  switch (kind) {
    case 'loading':
      return (
        <div className="stage__message" aria-busy="true">
          <span className="spinner" aria-hidden="true" />
        </div>
      );
    case 'unreachable':
      return (
        <div className="stage__message">
          <StatePanel tone="error" icon={<AlertIcon />} title={t('errors.unreachableTitle')} hint={t('errors.unreachableHint')} testId="error-state" />
        </div>
      );
    case 'starting':
      return (
        <div className="stage__message">
          <StatePanel title={t('channel.startingTitle')} hint={t('channel.startingHint')} testId="offline-state" reason="starting">
            <span className="spinner" aria-hidden="true" />
          </StatePanel>
        </div>
      );
    case 'ended':
      return (
        <div className="stage__message">
          <StatePanel icon={<StopIcon />} title={t('channel.endedTitle')} hint={t('channel.endedHint')} testId="offline-state" reason="ended" />
        </div>
      );
    case 'offline':
      return (
        <div className="stage__message">
          <StatePanel icon={<MoonIcon />} title={t('channel.offlineTitle')} hint={t('channel.offlineHint')} testId="offline-state" reason="offline" />
        </div>
      );
  }
}
