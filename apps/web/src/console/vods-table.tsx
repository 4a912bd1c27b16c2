import type { Channel, Vod, VodStatus } from '@onda/contracts';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime, formatSpan } from '../i18n/format';
import { formatClock, formatPercent } from '../vods/format';
import { ProgressBar } from '../vods/progress-bar';
import { FilmIcon } from '../vods/vod-icons';
import { useAction } from './use-action';
import { guardImeEnter } from '../components/ime';
import { LoadedTable, type LoadedRows } from './loaded-table';

const BADGE: Record<VodStatus, string> = { uploading: 'pending', processing: 'pending', ready: 'ok', failed: 'failed' };

interface VodsTableProps {
  /** The library as loaded (undefined items until the first page). */
  state: LoadedRows<Vod>;
  channels: Channel[];
  /** Renames on the server; a rejection is shown in the row. */
  onRename(vod: Vod, title: string): Promise<void>;
  /** Asks the page to confirm and delete. */
  onDelete(vod: Vod): void;
}

/** The VOD library: poster, title, channel, status with encode progress or failure, duration, date, actions. */
export function VodsTable({ state, channels, onRename, onDelete }: VodsTableProps) {
  const { t } = useTranslation();
  return (
    <LoadedTable
      state={state}
      empty={t('console.vods.empty')}
      emptyHint={t('console.vods.emptyHint')}
      emptyIcon="▶"
      emptyTestId="vods-empty"
      testId="vod-table"
      className="vods-table"
      head={[t('console.vods.columns.video'), t('console.vods.columns.channel'), t('console.vods.columns.status'), t('console.vods.columns.duration'), t('console.vods.columns.created'), { label: t('console.vods.columns.actions'), actions: true }]}
      row={(vod) => <VodRow key={vod.id} vod={vod} channel={channels.find((c) => c.id === vod.channelId)} onRename={onRename} onDelete={onDelete} />}
    />
  );
}

function VodRow({ vod, channel, onRename, onDelete }: { vod: Vod; channel: Channel | undefined; onRename: VodsTableProps['onRename']; onDelete: VodsTableProps['onDelete'] }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const { busy, error, setError, attempt } = useAction();
  const watch = vod.playbackUrl ? `/v/${vod.id}` : null;
  const download = vod.downloadUrl;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (draft === null) return;
    const title = draft.trim();
    if (!title || title === vod.title) return setDraft(null);
    await attempt(async () => {
      await onRename(vod, title);
      setDraft(null);
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    guardImeEnter(event);
    if (event.key === 'Escape') {
      setDraft(null);
      setError(null);
    }
  };

  const poster = vod.posterUrl ? (
    <img className="vod-thumb__img" src={vod.posterUrl} alt="" loading="lazy" data-testid="vod-poster" />
  ) : (
    <span className="vod-thumb__empty">
      <FilmIcon />
    </span>
  );

  return (
    <tr data-testid={`vod-row-${vod.id}`} data-status={vod.status}>
      <td>
        <div className="vod-cell">
          {watch ? (
            <Link to={watch} className="vod-thumb" aria-label={t('console.vods.watchTitle', { title: vod.title })}>
              {poster}
            </Link>
          ) : (
            <span className="vod-thumb">{poster}</span>
          )}
          <div className="vod-cell__text">
            {draft === null ? (
              <>
                {watch ? (
                  <Link to={watch} className="table__primary" data-testid="vod-title">
                    {vod.title}
                  </Link>
                ) : (
                  <span className="table__primary" data-testid="vod-title">
                    {vod.title}
                  </span>
                )}
                <div className="table__secondary">{t(`console.vods.origin.${vod.origin}`)}</div>
              </>
            ) : (
              <form className="vod-rename" onSubmit={(e) => void save(e)}>
                <input
                  className="field__input"
                  value={draft}
                  maxLength={140}
                  aria-label={t('console.vods.titleLabel')}
                  onChange={(e) => setDraft(e.target.value)}
                  onKeyDown={onKeyDown}
                  autoFocus
                  data-testid="rename-input"
                />
                <button type="submit" className="button button--small button--accent" disabled={busy} data-testid="rename-save">
                  {t('console.vods.save')}
                </button>
                <button type="button" className="button button--small" onClick={() => setDraft(null)}>
                  {t('console.cancel')}
                </button>
              </form>
            )}
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
          </div>
        </div>
      </td>
      <td className="vod-channel">
        {channel ? (
          <>
            <div title={channel.title}>{channel.title}</div>
            <div className="table__secondary">/{channel.slug}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="vod-status">
        <span className={`badge badge--${BADGE[vod.status]}`} data-testid="vod-status">
          {t(`console.vods.status.${vod.status}`)}
        </span>
        <StatusDetail vod={vod} language={i18n.language} />
      </td>
      <td>{vod.durationSeconds !== null ? formatClock(vod.durationSeconds) : '—'}</td>
      <td className="vod-date">{formatDateTime(vod.createdAt, i18n.language)}</td>
      <td className="table__actions">
        <div className="vod-actions">
          {watch && (
            <Link to={watch} className="button button--small" data-testid="vod-watch">
              {t('console.vods.watch')}
            </Link>
          )}
          <Link to={`/console/vods/${vod.id}/stats`} className="button button--small" data-testid="open-vod-stats">
            {t('stats.vod.link')}
          </Link>
          <button type="button" className="button button--small" onClick={() => setDraft(vod.title)} disabled={draft !== null} data-testid="vod-rename">
            {t('console.vods.rename')}
          </button>
          {download && (
            <a className="button button--small" href={download} download data-testid="vod-download">
              {t('console.vods.download')}
            </a>
          )}
          <button type="button" className="button button--small button--danger" onClick={() => onDelete(vod)} data-testid="vod-delete">
            {t('console.vods.delete')}
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Under the badge: encode progress and ETA, the failure reason, or what the upload waits for. */
function StatusDetail({ vod, language }: { vod: Vod; language: string }) {
  const { t } = useTranslation();
  if (vod.status === 'processing') {
    const percent = formatPercent(vod.progressPercent, language);
    return (
      <div className="vod-progress">
        <ProgressBar percent={vod.progressPercent} label={t('console.vods.encodeProgress')} testId="vod-progress" />
        <div className="table__secondary">
          {vod.etaSeconds ? t('console.vods.progressEta', { percent, time: formatSpan(vod.etaSeconds, language) }) : percent}
        </div>
      </div>
    );
  }
  if (vod.status === 'failed') {
    return (
      <p className="vod-failure" data-testid="vod-failure">
        {vod.failureReason ?? t('console.vods.failedUnknown')}
      </p>
    );
  }
  if (vod.status === 'uploading') return <div className="table__secondary">{t('console.vods.waitingUpload')}</div>;
  return null;
}
