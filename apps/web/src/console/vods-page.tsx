import type { Vod } from '@onda/contracts';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { useVodLibrary } from '../vods/use-vod-library';
import { ConfirmDialog } from './confirm-dialog';
import { ChannelField } from './fields';
import { errorText } from '../api/errors';
import { useManagedChannels } from './managed-channels';
import { VodsTable } from './vods-table';
import { VodUploadForm } from './vods-upload';
import '../vods/vods.css';

/** `/console/vods`: recordings and uploads of the admin's channels, with encode progress, upload, rename and delete. */
export function VodsPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const [params, setParams] = useSearchParams();
  const channel = params.get('channel') ?? '';
  // An operator filters by any account's channel (the channel page links here with ?channel=).
  const { channels } = useManagedChannels();
  const library = useVodLibrary(api, channel);
  const [showUpload, setShowUpload] = useState(false);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Vod | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const channelList = channels.data?.items ?? [];

  const setChannel = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set('channel', value);
    else next.delete('channel');
    setParams(next, { replace: true });
  };
  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    setActionError(null);
    try {
      await library.remove(deleting);
    } catch (caught) {
      setActionError(errorText(t, caught));
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  };
  const cancelDelete = useCallback(() => setDeleting(null), []);
  const loadMore = () => library.loadMore().catch((caught: unknown) => setActionError(errorText(t, caught)));

  return (
    <div className="page">
      <div className="page__head console-head">
        <div>
          <h1 className="page__title">{t('console.vods.title')}</h1>
          <p className="page__subtitle">{t('console.vods.subtitle')}</p>
        </div>
        {!showUpload && (
          <button type="button" className="button button--accent" onClick={() => setShowUpload(true)} data-testid="open-upload">
            {t('console.vods.upload.open')}
          </button>
        )}
      </div>
      {showUpload && channels.data && (
        <VodUploadForm
          channels={channelList}
          defaultChannel={channel}
          onClose={() => setShowUpload(false)}
          onUploaded={(vod) => {
            setUploaded(vod.title);
            setShowUpload(false);
            library.refresh();
          }}
        />
      )}
      {uploaded && (
        <div className="callout vod-callout" role="status" data-testid="upload-done">
          <span>{t('console.vods.upload.done', { title: uploaded })}</span>
        </div>
      )}
      <div className="filters">
        <ChannelField label={t('console.vods.channel')} value={channel} onChange={setChannel} channels={channelList} all={t('console.vods.allChannels')} />
      </div>
      {actionError && (
        <p className="form-error" role="alert" data-testid="action-error">
          {actionError}
        </p>
      )}
      <VodsTable state={{ data: library.items, error: library.error }} channels={channelList} onRename={library.rename} onDelete={setDeleting} />
      {library.hasMore && (
        <div className="form__actions">
          <button type="button" className="button" onClick={() => void loadMore()}>
            {t('console.loadMore')}
          </button>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('console.vods.deleteTitle', { title: deleting.title })}
          body={t('console.vods.deleteBody')}
          confirmLabel={t('console.vods.deleteConfirm')}
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={cancelDelete}
        />
      )}
    </div>
  );
}
