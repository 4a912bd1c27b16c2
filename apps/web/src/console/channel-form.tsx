import { ChannelVisibilities, ClipPolicies, LatencyModes, type Channel, type ChannelVisibility, type ClipPolicy, type CreateChannel } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckField, FormError, SelectField, SubmitRow, TextField } from './fields';

type LatencyMode = (typeof LatencyModes)[number];

interface ChannelFormProps {
  /** The channel being edited; absent when creating (then the slug is asked for). */
  channel?: Channel;
  busy: boolean;
  error: string | null;
  onSubmit(body: CreateChannel): void;
}

/** The channel settings form, shared by create and edit. */
export function ChannelForm({ channel, busy, error, onSubmit }: ChannelFormProps) {
  const { t } = useTranslation();
  const [slug, setSlug] = useState(channel?.slug ?? '');
  const [title, setTitle] = useState(channel?.title ?? '');
  const [description, setDescription] = useState(channel?.description ?? '');
  const [visibility, setVisibility] = useState<ChannelVisibility>(channel?.visibility ?? 'public');
  const [recording, setRecording] = useState(channel?.recording ?? true);
  const [reconnect, setReconnect] = useState(String(channel?.reconnectWindowSeconds ?? 30));
  const [latency, setLatency] = useState<LatencyMode>(channel?.latencyMode ?? 'normal');
  const [dvr, setDvr] = useState(String(channel?.dvrWindowSeconds ?? 300));
  const [clips, setClips] = useState<ClipPolicy>(channel?.clipPolicy ?? 'viewers');
  const [origins, setOrigins] = useState((channel?.embedOrigins ?? []).join('\n'));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      slug: slug.trim(),
      title: title.trim(),
      description,
      visibility,
      recording,
      reconnectWindowSeconds: Number(reconnect),
      latencyMode: latency,
      dvrWindowSeconds: Number(dvr),
      clipPolicy: clips,
      embedOrigins: origins
        .split(/[\s,]+/)
        .map((origin) => origin.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="channel-form">
      {!channel && (
        <TextField name="slug" label={t('console.channelForm.slug')} hint={t('console.channelForm.slugHint')} value={slug} onChange={setSlug} required pattern="[a-z0-9][a-z0-9\-]*[a-z0-9]" />
      )}
      <TextField name="title" label={t('console.channelForm.title')} value={title} onChange={setTitle} required />
      <TextField name="description" label={t('console.channelForm.description')} value={description} onChange={setDescription} multiline />
      <div className="form__row">
        <SelectField<ChannelVisibility>
          name="visibility"
          label={t('console.channelForm.visibility')}
          value={visibility}
          onChange={setVisibility}
          options={ChannelVisibilities.map((value) => ({ value, label: t(`console.visibility.${value}`) }))}
        />
        <SelectField<LatencyMode>
          name="latencyMode"
          label={t('console.channelForm.latency')}
          value={latency}
          onChange={setLatency}
          options={LatencyModes.map((value) => ({ value, label: t(`console.latency.${value}`) }))}
        />
        <SecondsField name="reconnectWindowSeconds" max={600} label={t('console.channelForm.reconnect')} hint={t('console.channelForm.reconnectHint')} value={reconnect} onChange={setReconnect} />
      </div>
      <div className="form__row">
        <SecondsField name="dvrWindowSeconds" max={86400} label={t('console.channelForm.dvrWindow')} hint={t('console.channelForm.dvrWindowHint')} value={dvr} onChange={setDvr} />
        <SelectField<ClipPolicy>
          name="clipPolicy"
          label={t('console.channelForm.clips')}
          value={clips}
          onChange={setClips}
          options={ClipPolicies.map((value) => ({ value, label: t(`console.channelForm.clipPolicy.${value}`) }))}
        />
      </div>
      <TextField
        name="embedOrigins"
        label={t('console.channelForm.embedOrigins')}
        hint={t('console.channelForm.embedOriginsHint')}
        value={origins}
        onChange={setOrigins}
        multiline
      />
      <CheckField name="recording" label={t('console.channelForm.recording')} checked={recording} onChange={setRecording} />
      <FormError message={error} />
      <SubmitRow disabled={busy} testId="channel-submit">
        {channel ? t('console.channelForm.save') : t('console.channelForm.create')}
      </SubmitRow>
    </form>
  );
}

/** A window of the channel in whole seconds, from 0 to `max` (reconnect, DVR). */
function SecondsField({ max, ...field }: { name: string; max: number; label: string; hint: string; value: string; onChange(value: string): void }) {
  return <TextField {...field} type="number" min={0} max={max} required />;
}
