import type { Vod } from '@onda/contracts';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/client';
import { usePoll } from '../api/use-poll';
import { AlertIcon, SearchIcon } from '../components/icons';
import { SharePanel } from '../components/share-panel';
import { StatePanel } from '../components/state-panel';
import { useLoad } from '../api/use-load';
import { formatDateTime, formatSpan } from '../i18n/format';
import { ChatReplayPanel, PlayheadClock } from '../stats/chat-replay-panel';
import { formatPercent, isInProgress, parseStartTime } from './format';
import { ProgressBar } from './progress-bar';
import { parseStoryboardVtt, type StoryboardCue } from './storyboard';
import { FilmIcon } from './vod-icons';
import { Player } from '../player/player';
import { ClipDialog } from '../clips/clip-dialog';
import { CommerceReplay } from '../commerce/commerce-replay';
import './vods.css';

/** Poll cadence: every 2 s while the encode runs (progress, then the switch to the ladder), rarely after. */
export const VodBusyPollMs = 2000;
const VodSettledPollMs = 60_000;
const VodMissingPollMs = 30_000;

const noCues: StoryboardCue[] = [];

/** `/v/:id`: the VOD player page; `?t=90` starts at 90 s. Anyone for public and unlisted VODs, the owner for private ones. */
export function VodPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const api = useApi();
  const startAt = parseStartTime(params.get('t'));
  const poll = usePoll(
    `vod:${id}`,
    (signal) => api.getVod(id, signal),
    (vod, error) => (error instanceof ApiError && error.code === 'not_found' ? VodMissingPollMs : !vod || isInProgress(vod) ? VodBusyPollMs : VodSettledPollMs),
  );
  const missing = poll.error instanceof ApiError && poll.error.code === 'not_found';
  const vod = missing ? undefined : poll.data;
  const channelId = vod?.channelId ?? '';
  const channel = useLoad(`channel:${channelId}`, (signal) => (channelId ? api.getChannel(channelId, signal) : Promise.resolve(undefined)));
  const storyboardUrl = vod?.storyboardUrl ?? '';
  const storyboard = useLoad(`storyboard:${storyboardUrl}`, async (signal) =>
    storyboardUrl ? parseStoryboardVtt(await api.getStoryboard(storyboardUrl, signal), storyboardUrl) : noCues,
  );

  // The source being played: kept when the encode finishes mid-replay, so the video does not restart.
  const [source, setSource] = useState<{ id: string; url: string; startAt: number | null } | null>(null);
  const timeRef = useRef(0);
  const [clock] = useState(() => new PlayheadClock());
  const current = source?.id === id ? source : null;
  // The playhead when the viewer pressed "Clip"; null while the dialog is closed.
  const [clipAt, setClipAt] = useState<number | null>(null);
  if (!current && vod?.playbackUrl) setSource({ id, url: vod.playbackUrl, startAt });

  if (missing) {
    return (
      <div className="page">
        <StatePanel icon={<SearchIcon />} title={t('vod.notFoundTitle')} hint={t('vod.notFoundHint')} testId="not-found-state">
          <Link className="button button--accent" to="/">
            {t('notFound.back')}
          </Link>
        </StatePanel>
      </div>
    );
  }

  const upgrade = vod?.status === 'ready' && current && vod.playbackUrl && vod.playbackUrl !== current.url ? vod.playbackUrl : null;
  return (
    <div className="watch">
      <div className="watch__main">
        <div className="commerce-anchor">
          <div className="stage">
            {current && vod ? (
              <Player
                key={current.url}
                kind="vod"
                src={current.url}
                poster={vod.posterUrl}
                startAt={current.startAt}
                cues={storyboard.data ?? noCues}
                durationHint={vod.durationSeconds}
                onTime={(seconds) => {
                  timeRef.current = seconds;
                  clock.set(seconds);
                }}
                beacon={{ vodId: vod.id }}
                onClip={vod.status === 'ready' && channel.data && channel.data.clipPolicy !== 'off' ? (at) => setClipAt(at.currentTime) : undefined}
              />
            ) : (
              <StageMessage vod={vod} error={poll.error} />
            )}
          </div>
          {vod && vod.origin === 'recording' && vod.liveSessionId && current && <CommerceReplay vodId={vod.id} clock={clock} />}
        </div>
        {vod && (
          <ClipDialog
            open={clipAt !== null}
            onClose={() => setClipAt(null)}
            defaultTitle={vod.title}
            request={(length, title) => ({ kind: 'vod', vodId: vod.id, ...clipRange(clipAt ?? 0, length, vod.durationSeconds), title })}
          />
        )}
        {vod && vod.status !== 'ready' && current && <ReplayNotice vod={vod} language={i18n.language} />}
        {upgrade && (
          <div className="vod-notice" role="status" data-testid="upgrade-notice">
            <span>{t('vod.upgradeReady')}</span>
            <button type="button" className="button button--small button--accent" onClick={() => setSource({ id, url: upgrade, startAt: timeRef.current })}>
              {t('vod.upgradeSwitch')}
            </button>
          </div>
        )}
        {vod && (
          <div className="watch__info">
            <div className="watch__title-row">
              <h1 className="watch__title" data-testid="vod-title">
                {vod.title}
              </h1>
              {vod.status !== 'ready' && current && <span className="badge badge--offline">{t('vod.replayBadge')}</span>}
            </div>
            <p className="watch__meta">
              {channel.data && (
                <Link to={`/c/${channel.data.slug}`} className="vod-channel-link" data-testid="vod-channel">
                  {channel.data.title}
                </Link>
              )}
              {vod.durationSeconds !== null && <span>{t('vod.duration', { time: formatSpan(vod.durationSeconds, i18n.language) })}</span>}
              <time dateTime={vod.createdAt}>{t('vod.recordedAt', { time: formatDateTime(vod.createdAt, i18n.language) })}</time>
            </p>
            <SharePanel path={`/v/${vod.id}`} currentTime={() => timeRef.current} />
          </div>
        )}
      </div>
      <aside className="watch__side" aria-label={t('vod.about')}>
        {vod && vod.origin === 'recording' && vod.liveSessionId && current && (
          <ChatReplayPanel vodId={vod.id} clock={clock} durationSeconds={vod.durationSeconds} className="vod-chat-replay" />
        )}
        {vod && vod.renditions.length > 0 && (
          <div className="panel">
            <h2 className="panel__title">{t('channel.qualities')}</h2>
            <ul className="chips">
              {vod.renditions.map((name) => (
                <li key={name} className="chip">
                  {name}
                </li>
              ))}
            </ul>
          </div>
        )}
      </aside>
    </div>
  );
}

/** The `length` seconds ending at the playhead (or the first `length` seconds), inside the video, rounded to 0.1 s. */
export function clipRange(playhead: number, length: number, duration: number | null): { startSeconds: number; endSeconds: number } {
  const round = (n: number) => Math.round(n * 10) / 10;
  let end = Math.max(length, playhead);
  if (duration !== null && end > duration) end = Math.floor(duration * 10) / 10;
  return { startSeconds: round(Math.max(0, end - length)), endSeconds: round(end) };
}

/** Under the player while the replay plays: how far the encode is, or that it failed (the replay still plays). */
function ReplayNotice({ vod, language }: { vod: Vod; language: string }) {
  const { t } = useTranslation();
  if (vod.status === 'failed') {
    return (
      <div className="vod-notice vod-notice--failed" role="status" data-testid="replay-notice">
        {t('vod.replayFailed')}
      </div>
    );
  }
  const percent = formatPercent(vod.progressPercent, language);
  return (
    <div className="vod-notice" role="status" data-testid="replay-notice">
      <span>{t('vod.replayEncoding', { percent })}</span>
      <ProgressBar percent={vod.progressPercent} label={t('vod.encodeProgress')} />
      {vod.etaSeconds ? <span className="muted">{t('vod.eta', { time: formatSpan(vod.etaSeconds, language) })}</span> : null}
    </div>
  );
}

/** The stage without a playable source: loading, unreachable, still processing, or failed. */
function StageMessage({ vod, error }: { vod: Vod | undefined; error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!vod) {
    return (
      <div className="stage__message">
        {error ? (
          <StatePanel tone="error" icon={<AlertIcon />} title={t('errors.unreachableTitle')} hint={t('errors.unreachableHint')} testId="error-state" />
        ) : (
          <span className="spinner" aria-hidden="true" />
        )}
      </div>
    );
  }
  if (vod.status === 'failed') {
    return (
      <div className="stage__message">
        <StatePanel tone="error" icon={<AlertIcon />} title={t('vod.failedTitle')} hint={t('vod.failedHint')} testId="vod-failed" />
      </div>
    );
  }
  const processing = vod.status === 'processing';
  return (
    <div className="stage__message">
      <StatePanel
        icon={<FilmIcon />}
        title={processing ? t('vod.preparingTitle', { percent: formatPercent(vod.progressPercent, i18n.language) }) : t('vod.uploadingTitle')}
        hint={t('vod.preparingHint')}
        testId="vod-preparing"
      >
        {processing && <ProgressBar percent={vod.progressPercent} label={t('vod.encodeProgress')} />}
      </StatePanel>
    </div>
  );
}
