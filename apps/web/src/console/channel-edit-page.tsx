import type { CreateChannel } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { ChannelForm } from './channel-form';
import { errorText } from '../api/errors';
import { BackLink, LoadError } from './page-parts';
import { useLoad } from '../api/use-load';

/** Submits through `action`, keeping the busy flag and the error message of the last try. */
function useSubmit(action: (body: CreateChannel) => Promise<void>) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (body: CreateChannel) => {
    setBusy(true);
    setError(null);
    try {
      await action(body);
    } catch (caught) {
      setError(errorText(t, caught));
      setBusy(false);
    }
  };
  return { busy, error, submit: (body: CreateChannel) => void submit(body) };
}

/** `/console/channels/new`: create a channel, then open its stream key page. */
export function ChannelNewPage() {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const navigate = useNavigate();
  const form = useSubmit(async (body) => {
    const channel = await api.createChannel(body);
    void navigate(`/console/channels/${channel.slug}`);
  });
  return (
    <div className="page">
      <div className="page__head">
        <BackLink to="/console" />
        <h1 className="page__title">{t('console.channelForm.newTitle')}</h1>
      </div>
      <ChannelForm busy={form.busy} error={form.error} onSubmit={form.submit} />
    </div>
  );
}

/** `/console/channels/:slug/edit`: change a channel's settings (the slug stays). */
export function ChannelEditPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const api = useConsoleApi();
  const navigate = useNavigate();
  const channel = useLoad(slug, (signal) => api.getChannel(slug, signal));
  const form = useSubmit(async ({ slug: _slug, ...changes }) => {
    await api.updateChannel(slug, changes);
    void navigate(`/console/channels/${slug}`);
  });
  return (
    <div className="page">
      <div className="page__head">
        <BackLink to={`/console/channels/${slug}`} />
        <h1 className="page__title">{t('console.channelForm.editTitle')}</h1>
      </div>
      {channel.error ? (
        <LoadError error={channel.error} />
      ) : !channel.data ? (
        <div className="spinner console-spinner" />
      ) : (
        <ChannelForm channel={channel.data} busy={form.busy} error={form.error} onSubmit={form.submit} />
      )}
    </div>
  );
}
