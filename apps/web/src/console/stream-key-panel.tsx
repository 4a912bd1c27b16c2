import type { StreamKey } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { ConfirmDialog } from './confirm-dialog';
import { CopyButton } from './copy-button';
import { errorText } from '../api/errors';
import { useAction } from './use-action';
import { useLoad } from '../api/use-load';
import { TitledPanel } from './page-parts';

const MASK = '•'.repeat(24);

/** The broadcaster's settings: server URL and stream key (masked until revealed), copy, rotate, OBS steps. */
export function StreamKeyPanel({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const loaded = useLoad(`key:${slug}`, (signal) => api.getStreamKey(slug, signal));
  const [rotated, setRotated] = useState<StreamKey | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState<'rotate' | 'revoke' | null>(null);
  const { busy, error, attempt } = useAction();
  const key = rotated ?? loaded.data;

  const run = async (action: 'rotate' | 'revoke') => {
    await attempt(async () => {
      if (action === 'rotate') setRotated(await api.rotateStreamKey(slug));
      else if (key) {
        await api.revokeStreamKey(slug);
        setRotated({ ...key, streamKey: null });
        setRevealed(false);
      }
    });
    setConfirming(null);
  };

  if (loaded.error && !key) return <p className="form-error">{errorText(t, loaded.error)}</p>;
  if (!key) return <div className="spinner console-spinner" />;
  return (
    <TitledPanel id="key-title" title={t('console.key.title')} testId="stream-key-panel" className="key-panel">
      <dl className="kv">
        <dt>{t('console.key.server')}</dt>
        <dd className="kv__row">
          <code className="secret" data-testid="rtmp-url">
            {key.rtmpUrl}
          </code>
          <CopyButton text={key.rtmpUrl} testId="copy-server" />
        </dd>
        <dt>{t('console.key.streamKey')}</dt>
        <dd className="kv__row">
          {key.streamKey === null ? (
            <span className="muted" data-testid="key-revoked">
              {t('console.key.revoked')}
            </span>
          ) : (
            <>
              <code className="secret" data-testid="stream-key" data-masked={!revealed}>
                {revealed ? key.streamKey : MASK}
              </code>
              <button type="button" className="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)} data-testid="reveal-key">
                {revealed ? t('console.key.hide') : t('console.key.reveal')}
              </button>
              <CopyButton text={key.streamKey} testId="copy-key" />
            </>
          )}
        </dd>
      </dl>
      <p className="muted small">{t('console.key.secretHint')}</p>
      <div className="form__actions">
        <button type="button" className="button button--danger" onClick={() => setConfirming('rotate')} data-testid="rotate-key">
          {t('console.key.rotate')}
        </button>
        {key.streamKey !== null && (
          <button type="button" className="button button--danger" onClick={() => setConfirming('revoke')} data-testid="revoke-key">
            {t('console.key.revoke')}
          </button>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <h3 className="panel__subtitle">{t('console.key.obsTitle')}</h3>
      <ol className="steps">
        <li>{t('console.key.obs1')}</li>
        <li>{t('console.key.obs2')}</li>
        <li>{t('console.key.obs3', { server: key.rtmpUrl })}</li>
        <li>{t('console.key.obs4')}</li>
        <li>{t('console.key.obs5')}</li>
      </ol>
      {confirming && (
        <ConfirmDialog
          title={t(`console.key.${confirming}Title`)}
          body={t(`console.key.${confirming}Body`)}
          confirmLabel={t(`console.key.${confirming}Confirm`)}
          busy={busy}
          onConfirm={() => void run(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
    </TitledPanel>
  );
}
