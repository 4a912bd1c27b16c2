import type { Channel, Vod } from '@onda/contracts';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { formatBytes, formatPercent, looksLikeVideo, titleFromFileName } from '../vods/format';
import { ProgressBar } from '../vods/progress-bar';
import { checkUpload, uploadErrorText, uploadVod, type UploadProgress } from '../vods/upload';
import { ChannelField, FormError, TextField } from './fields';

interface VodUploadFormProps {
  channels: Channel[];
  /** Slug preselected (the library's channel filter), or '' for the first channel. */
  defaultChannel: string;
  onUploaded(vod: Vod): void;
  onClose(): void;
}

/** "Upload video": channel, title and file, sent with a progress bar; the server has the last word on the file. */
export function VodUploadForm({ channels, defaultChannel, onUploaded, onClose }: VodUploadFormProps) {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const fileId = useId();
  const [channel, setChannel] = useState(defaultChannel || channels[0]?.slug || '');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const controllerRef = useRef<AbortController | null>(null);
  const busy = progress !== null;

  // Leaving the page cancels an upload in flight.
  useEffect(() => () => controllerRef.current?.abort(), []);

  const pickFile = (picked: File | null) => {
    setFile(picked);
    setError(picked && !looksLikeVideo(picked) ? t('console.vods.upload.errors.notVideo') : null);
    if (picked && !title.trim()) setTitle(titleFromFileName(picked.name));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = checkUpload({ channel, title, file });
    if (problem || !file) return setError(t(`console.vods.upload.errors.${problem ?? 'noFile'}`));
    const controller = new AbortController();
    controllerRef.current = controller;
    setError(null);
    try {
      const vod = await uploadVod(api, { channel, title, file }, setProgress, controller.signal);
      if (controller.signal.aborted) return;
      setTitle('');
      setFile(null);
      onUploaded(vod);
    } catch (caught) {
      if (controller.signal.aborted) setError(t('console.vods.upload.cancelled'));
      else setError(uploadErrorText(t, caught, i18n.language));
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null;
      setProgress(null);
    }
  };

  if (channels.length === 0) {
    return (
      <div className="panel vod-upload" data-testid="upload-form">
        <h2 className="panel__title">{t('console.vods.upload.title')}</h2>
        <p className="muted">{t('console.vods.upload.errors.noChannel')}</p>
      </div>
    );
  }

  const percent = progress && progress.total > 0 ? (progress.loaded / progress.total) * 100 : 0;
  return (
    <form className="panel form vod-upload" onSubmit={(e) => void submit(e)} data-testid="upload-form" noValidate>
      <h2 className="panel__title">{t('console.vods.upload.title')}</h2>
      <div className="form__row">
        <ChannelField label={t('console.vods.upload.channel')} value={channel} onChange={setChannel} channels={channels} />
        <TextField name="title" label={t('console.vods.upload.videoTitle')} value={title} onChange={setTitle} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={fileId}>
          {t('console.vods.upload.file')}
        </label>
        <input
          id={fileId}
          name="file"
          type="file"
          accept="video/*,.mkv,.flv,.ts,.m2ts,.mts"
          className="field__input vod-upload__file"
          disabled={busy}
          aria-describedby={`${fileId}-hint`}
          onChange={(e) => pickFile(e.target.files?.[0] ?? null)}
          data-testid="upload-file"
        />
        <span id={`${fileId}-hint`} className="field__hint">
          {file ? `${file.name} · ${formatBytes(file.size, i18n.language)}` : t('console.vods.upload.fileHint')}
        </span>
      </div>
      {progress && (
        <div className="vod-upload__progress" data-testid="upload-progress">
          <ProgressBar percent={progress.stage === 'creating' ? 0 : percent} label={t('console.vods.upload.progressLabel')} />
          <span className="small muted" role="status">
            {progress.stage === 'creating'
              ? t('console.vods.upload.preparing')
              : progress.stage === 'completing'
                ? t('console.vods.upload.checking')
                : t('console.vods.upload.sent', {
                    sent: formatBytes(progress.loaded, i18n.language),
                    total: formatBytes(progress.total, i18n.language),
                    percent: formatPercent(percent, i18n.language),
                  })}
          </span>
        </div>
      )}
      <FormError message={error} />
      <div className="form__actions">
        {busy ? (
          <button type="button" className="button" onClick={() => controllerRef.current?.abort()} data-testid="upload-cancel">
            {t('console.vods.upload.cancel')}
          </button>
        ) : (
          <button type="button" className="button" onClick={onClose}>
            {t('console.vods.upload.close')}
          </button>
        )}
        <button type="submit" className="button button--accent" disabled={busy} data-testid="upload-submit">
          {t('console.vods.upload.submit')}
        </button>
      </div>
    </form>
  );
}
