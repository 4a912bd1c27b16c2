import type { Clip } from '@onda/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/client';
import { usePoll } from '../api/use-poll';
import { AlertIcon, SearchIcon } from '../components/icons';
import { SharePanel } from '../components/share-panel';
import { StatePanel } from '../components/state-panel';
import { formatDateTime, formatNumber, formatSpan } from '../i18n/format';
import { Player } from '../player/player';
import { FilmIcon } from '../vods/vod-icons';
import '../vods/vods.css';
import './clips.css';

/** Poll every 2 s while the worker cuts the clip (a few seconds), rarely after. */
const BusyPollMs = 2000;
const SettledPollMs = 60_000;

/** `/clip/:id`: a clip's page: player, title, channel, views, share link and embed code, and the owner's moderation. */
export function ClipPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const api = useApi();
  const poll = usePoll(`clip:${id}`, (signal) => api.getClip(id, signal), (clip) => (clip?.status === 'processing' ? BusyPollMs : SettledPollMs));
  const missing = poll.error instanceof ApiError && poll.error.code === 'not_found';
  const clip = missing ? undefined : poll.data;

  // One view per visit, counted once the clip can be watched.
  const ready = clip?.status === 'ready';
  useEffect(() => {
    if (ready) api.countClipView(id).catch(() => undefined);
  }, [api, id, ready]);

  if (missing) {
    return (
      <div className="page">
        <StatePanel icon={<SearchIcon />} title={t('clip.notFoundTitle')} hint={t('clip.notFoundHint')} testId="not-found-state">
          <Link className="button button--accent" to="/">
            {t('notFound.back')}
          </Link>
        </StatePanel>
      </div>
    );
  }

  return (
    <div className="watch watch--clip">
      <div className="watch__main">
        <div className="stage">
          {clip?.status === 'ready' && clip.playbackUrl ? (
            <Player key={clip.playbackUrl} kind="vod" src={clip.playbackUrl} poster={clip.posterUrl} durationHint={clip.durationSeconds} />
          ) : (
            <ClipStage clip={clip} error={poll.error} />
          )}
        </div>
        {clip && (
          <div className="watch__info">
            <div className="watch__title-row">
              <h1 className="watch__title" data-testid="clip-title">
                {clip.title}
              </h1>
              <span className="badge badge--offline">{t('clip.badge')}</span>
              {clip.hidden && <span className="badge badge--offline">{t('clip.hiddenBadge')}</span>}
            </div>
            <p className="watch__meta">
              <Link to={`/c/${clip.channelSlug}`} className="vod-channel-link" data-testid="clip-channel">
                {clip.channelTitle}
              </Link>
              <span data-testid="clip-views">{t('clip.views', { count: clip.viewCount, formatted: formatNumber(clip.viewCount, i18n.language) })}</span>
              {clip.durationSeconds !== null && <span>{t('vod.duration', { time: formatSpan(clip.durationSeconds, i18n.language) })}</span>}
              <time dateTime={clip.createdAt}>{t('clip.madeAt', { time: formatDateTime(clip.createdAt, i18n.language) })}</time>
              {clip.vodId && (
                <Link to={`/v/${clip.vodId}`} className="vod-channel-link">
                  {t('clip.fullVideo')}
                </Link>
              )}
            </p>
            <div className="clip-actions">
              <SharePanel path={`/clip/${clip.id}`} />
              {clip.status === 'ready' && clip.mp4Url && (
                <a className="button" href={clip.mp4Url} download data-testid="clip-download">
                  {t('clip.download')}
                </a>
              )}
              {clip.canModerate && <ClipModeration clip={clip} onChange={poll.refresh} />}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** The channel owner's buttons: hide (or show again) and delete. */
function ClipModeration({ clip, onChange }: { clip: Clip; onChange(): void }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<unknown>, after: () => void) => {
    setBusy(true);
    try {
      await work();
      after();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" disabled={busy} data-testid="clip-hide" onClick={() => void act(() => api.updateClip(clip.id, { hidden: !clip.hidden }), onChange)}>
        {clip.hidden ? t('clip.unhide') : t('clip.hide')}
      </button>
      <button
        type="button"
        className="button button--danger"
        disabled={busy}
        data-testid="clip-delete"
        onClick={() => {
          if (window.confirm(t('clip.deleteConfirm'))) void act(() => api.deleteClip(clip.id), () => navigate(`/c/${clip.channelSlug}`));
        }}
      >
        {t('clip.delete')}
      </button>
    </>
  );
}

/** The stage before the clip plays: loading, being cut, failed, or the API unreachable. */
export function ClipStage({ clip, error }: { clip: Clip | undefined; error: unknown }) {
  const { t } = useTranslation();
  return (
    <div className="stage__message">
      {clip?.status === 'failed' ? (
        <StatePanel tone="error" icon={<AlertIcon />} title={t('clip.failedTitle')} hint={t('clip.failedHint')} testId="clip-failed" />
      ) : clip?.status === 'processing' ? (
        <StatePanel icon={<FilmIcon />} title={t('clip.processingTitle')} hint={t('clip.processingHint')} testId="clip-processing">
          <span className="spinner" aria-hidden="true" />
        </StatePanel>
      ) : error ? (
        <StatePanel tone="error" icon={<AlertIcon />} title={t('errors.unreachableTitle')} hint={t('errors.unreachableHint')} testId="error-state" />
      ) : (
        <span className="spinner" aria-hidden="true" />
      )}
    </div>
  );
}
