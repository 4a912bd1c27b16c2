import type { Destination, DestinationPlatform } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsoleApi } from '../api/console-context';
import { useAction } from './use-action';
import { usePoll } from '../api/use-poll';
import { ConfirmDialog } from './confirm-dialog';
import { FormError, SelectField, SubmitRow, TextField } from './fields';
import { Loaded } from './loaded-table';
import { TitledPanel } from './page-parts';

const BADGE: Record<Destination['state'], string> = { idle: 'badge badge--offline', connecting: 'badge badge--pending', live: 'badge badge--live', retrying: 'badge badge--pending', failed: 'badge badge--failed' };

/**
 * Simulcast: the services the broadcast is also pushed to (YouTube, Twitch, any RTMP/RTMPS server), with each
 * push's state while live. Keys are write-only: the list shows their last characters.
 */
export function DestinationsPanel({ slug, live }: { slug: string; live: boolean }) {
  const { t } = useTranslation();
  const api = useConsoleApi();
  // Push states change by the second while live; offline they only change when edited here.
  const poll = usePoll(`destinations:${slug}`, (signal) => api.listDestinations(slug, signal), (data) => (live || data?.some((d) => d.state === 'connecting' || d.state === 'retrying') ? 2000 : 15_000));
  const [platform, setPlatform] = useState<DestinationPlatform>('youtube');
  const [url, setUrl] = useState('');
  const [streamKey, setStreamKey] = useState('');
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<Destination | null>(null);
  const action = useAction();
  const { busy, error } = action;

  const attempt = (work: () => Promise<void>) =>
    action.attempt(async () => {
      await work();
      poll.refresh();
    });

  const add = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      await api.addDestination(slug, { platform, streamKey: streamKey.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(platform === 'custom' || url.trim() ? { url: url.trim() } : {}) });
      setStreamKey('');
      setName('');
      setUrl('');
    });
  };

  const platforms: Array<{ value: DestinationPlatform; label: string }> = [
    { value: 'youtube', label: 'YouTube' },
    { value: 'twitch', label: 'Twitch' },
    { value: 'custom', label: t('console.destinations.custom') },
  ];

  return (
    <TitledPanel id="destinations-title" title={t('console.destinations.title')} testId="destinations-panel">
      <p className="muted small">{t('console.destinations.hint')}</p>
      <Loaded state={poll} look="panel" empty={t('console.destinations.empty')} emptyTestId="destinations-empty">
        {(rows) => (
          <ul className="destinations" data-testid="destination-list">
            {rows.map((d) => (
              <li key={d.id} className="destination" data-testid="destination" data-state={d.state}>
                <div className="destination__head">
                  <strong>{d.name}</strong>
                  <span className={BADGE[d.state]} data-testid="destination-state">
                    {t(`console.destinations.state.${d.state}`)}
                  </span>
                </div>
                <div className="muted small destination__url">
                  {d.url} · <span aria-label={t('console.destinations.keyMasked')}>{d.streamKeyMasked}</span>
                </div>
                {d.stateReason && (
                  <div className={d.state === 'failed' ? 'form-error small' : 'muted small'} data-testid="destination-reason">
                    {d.stateReason}
                  </div>
                )}
                <div className="destination__actions">
                  <label className="check">
                    <input type="checkbox" checked={d.enabled} disabled={busy} onChange={(e) => void attempt(async () => void (await api.updateDestination(slug, d.id, { enabled: e.target.checked })))} data-testid="destination-enabled" />
                    <span>{t('console.destinations.enabled')}</span>
                  </label>
                  <button type="button" className="button button--small" onClick={() => setDeleting(d)} data-testid="delete-destination">
                    {t('console.destinations.delete')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <form className="form" onSubmit={add} data-testid="destination-form">
        <SelectField<DestinationPlatform> label={t('console.destinations.platform')} name="platform" value={platform} options={platforms} onChange={setPlatform} />
        {platform === 'custom' && (
          <TextField label={t('console.destinations.url')} name="url" value={url} onChange={setUrl} hint={t('console.destinations.urlHint')} required />
        )}
        <TextField label={t('console.destinations.streamKey')} name="streamKey" type="password" autoComplete="off" value={streamKey} onChange={setStreamKey} hint={t('console.destinations.keyHint')} required />
        <TextField label={t('console.destinations.name')} name="name" value={name} onChange={setName} />
        {error && <FormError message={error} />}
        <SubmitRow disabled={busy || streamKey.trim() === '' || (platform === 'custom' && url.trim() === '')} testId="add-destination">
          {t('console.destinations.add')}
        </SubmitRow>
      </form>
      {deleting && (
        <ConfirmDialog
          title={t('console.destinations.deleteTitle', { name: deleting.name })}
          body={t('console.destinations.deleteBody')}
          confirmLabel={t('console.destinations.delete')}
          busy={busy}
          onConfirm={() => void attempt(() => api.deleteDestination(slug, deleting.id)).finally(() => setDeleting(null))}
          onCancel={() => setDeleting(null)}
        />
      )}
    </TitledPanel>
  );
}
