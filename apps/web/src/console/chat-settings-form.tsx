import { UpdateChatSettingsSchema, type ChatSettings, type UpdateChatSettings } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useChatServices } from '../chat/chat-context';
import { CheckField, FormError, SelectField, TextField } from './fields';
import { errorText } from '../api/errors';
import { useLoad } from '../api/use-load';

/** The form's own shape: numbers and lists as the text the owner types. */
interface Draft {
  slowModeSeconds: string;
  registeredOnly: boolean;
  profanity: ChatSettings['profanity'];
  linkPolicy: ChatSettings['linkPolicy'];
  blockedWordsAction: ChatSettings['blockedWordsAction'];
  blockedWords: string;
  blockedPatterns: string;
  classifierOn: boolean;
  classifierUrl: string;
  classifierTimeoutMs: string;
  classifierFailMode: 'open' | 'closed';
}

export function toDraft(settings: ChatSettings): Draft {
  return {
    slowModeSeconds: String(settings.slowModeSeconds),
    registeredOnly: settings.registeredOnly,
    profanity: settings.profanity,
    linkPolicy: settings.linkPolicy,
    blockedWordsAction: settings.blockedWordsAction,
    blockedWords: settings.blockedWords.join('\n'),
    blockedPatterns: settings.blockedPatterns.join('\n'),
    classifierOn: settings.classifier !== null,
    classifierUrl: settings.classifier?.url ?? '',
    classifierTimeoutMs: String(settings.classifier?.timeoutMs ?? 500),
    classifierFailMode: settings.classifier?.failMode ?? 'open',
  };
}

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** Turns the draft into a PATCH body, or says which field is wrong (patterns are compiled here first). */
export function fromDraft(draft: Draft): { ok: true; body: UpdateChatSettings } | { ok: false; field: FieldName; pattern?: string } {
  const patterns = lines(draft.blockedPatterns);
  for (const pattern of patterns) {
    try {
      new RegExp(pattern, 'iu');
    } catch {
      return { ok: false, field: 'blockedPatterns', pattern };
    }
  }
  const body = {
    slowModeSeconds: Number(draft.slowModeSeconds || 0),
    registeredOnly: draft.registeredOnly,
    profanity: draft.profanity,
    linkPolicy: draft.linkPolicy,
    blockedWordsAction: draft.blockedWordsAction,
    blockedWords: lines(draft.blockedWords),
    blockedPatterns: patterns,
    classifier: draft.classifierOn ? { url: draft.classifierUrl.trim(), timeoutMs: Number(draft.classifierTimeoutMs), failMode: draft.classifierFailMode } : null,
  };
  const parsed = UpdateChatSettingsSchema.safeParse(body);
  if (!parsed.success) return { ok: false, field: fieldOf(parsed.error.issues[0]?.path ?? []) };
  return { ok: true, body: parsed.data };
}

/** The fields of `next` whose value differs from `base`. */
export function changedFields(base: ChatSettings, next: UpdateChatSettings): UpdateChatSettings {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(base[key as keyof ChatSettings])) patch[key] = value;
  }
  return patch as UpdateChatSettings;
}

type FieldName = 'slowMode' | 'blockedWords' | 'blockedPatterns' | 'classifierUrl' | 'classifierTimeout';
function fieldOf(path: readonly PropertyKey[]): FieldName {
  if (path[0] === 'classifier') return path[1] === 'timeoutMs' ? 'classifierTimeout' : 'classifierUrl';
  if (path[0] === 'blockedWords' || path[0] === 'blockedPatterns') return path[0];
  return 'slowMode';
}

/** Chat rules of the channel: slow mode, who may chat, filters, links and the optional external classifier. */
export function ChatSettingsForm({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const { api } = useChatServices();
  const loaded = useLoad(`chat-settings:${slug}`, (signal) => api.getSettings(slug, signal));
  const [draft, setDraft] = useState<Draft | null>(null);
  // What the server holds now (after the last save): the PATCH carries only what differs, so the audit log says what changed.
  const [current, setCurrent] = useState<ChatSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  if (!loaded.data) return loaded.error ? <p className="form-error">{errorText(t, loaded.error)}</p> : <div className="spinner console-spinner" />;
  const d = draft ?? toDraft(loaded.data);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft({ ...d, [key]: value });
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = fromDraft(d);
    if (!result.ok) {
      setError(result.pattern ? t('console.chat.settings.badPattern', { pattern: result.pattern }) : t('console.chat.settings.invalid', { field: t(`console.chat.settings.fields.${result.field}`) }));
      return;
    }
    const base = current ?? loaded.data;
    const patch = base ? changedFields(base, result.body) : result.body;
    setError(null);
    if (Object.keys(patch).length === 0) {
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      const saved = await api.updateSettings(slug, patch);
      setCurrent(saved);
      setDraft(toDraft(saved));
      setSaved(true);
    } catch (caught) {
      setError(errorText(t, caught));
    } finally {
      setBusy(false);
    }
  };

  const profanityOptions = (['mask', 'hold', 'drop', 'off'] as const).map((value) => ({ value, label: t(`console.chat.settings.options.profanity.${value}`) }));
  const linkOptions = (['allow', 'hold', 'block'] as const).map((value) => ({ value, label: t(`console.chat.settings.options.linkPolicy.${value}`) }));
  const wordOptions = (['mask', 'drop'] as const).map((value) => ({ value, label: t(`console.chat.settings.options.blockedWordsAction.${value}`) }));
  const failOptions = (['open', 'closed'] as const).map((value) => ({ value, label: t(`console.chat.settings.options.failMode.${value}`) }));
  return (
    <form className="form chat-settings" onSubmit={(e) => void submit(e)} data-testid="chat-settings-form" noValidate>
      <div className="form__row">
        <TextField name="slowModeSeconds" type="number" min={0} max={3600} label={t('console.chat.settings.fields.slowMode')} hint={t('console.chat.settings.slowModeHint')} value={d.slowModeSeconds} onChange={(v) => set('slowModeSeconds', v)} />
        <SelectField name="profanity" label={t('console.chat.settings.fields.profanity')} value={d.profanity} options={profanityOptions} onChange={(v) => set('profanity', v)} />
        <SelectField name="linkPolicy" label={t('console.chat.settings.fields.linkPolicy')} value={d.linkPolicy} options={linkOptions} onChange={(v) => set('linkPolicy', v)} />
      </div>
      <CheckField name="registeredOnly" label={t('console.chat.settings.fields.registeredOnly')} checked={d.registeredOnly} onChange={(v) => set('registeredOnly', v)} />
      <div className="form__row">
        <TextField name="blockedWords" multiline label={t('console.chat.settings.fields.blockedWords')} hint={t('console.chat.settings.onePerLine')} value={d.blockedWords} onChange={(v) => set('blockedWords', v)} />
        <SelectField name="blockedWordsAction" label={t('console.chat.settings.fields.blockedWordsAction')} value={d.blockedWordsAction} options={wordOptions} onChange={(v) => set('blockedWordsAction', v)} />
      </div>
      <TextField name="blockedPatterns" multiline label={t('console.chat.settings.fields.blockedPatterns')} hint={t('console.chat.settings.patternsHint')} value={d.blockedPatterns} onChange={(v) => set('blockedPatterns', v)} />
      <fieldset className="fieldset">
        <legend className="field__label">{t('console.chat.settings.fields.classifier')}</legend>
        <CheckField name="classifierOn" label={t('console.chat.settings.classifierOn')} checked={d.classifierOn} onChange={(v) => set('classifierOn', v)} />
        {d.classifierOn && (
          <div className="form__row chat-settings__classifier">
            <TextField name="classifierUrl" type="url" label={t('console.chat.settings.fields.classifierUrl')} hint={t('console.chat.settings.classifierHint')} value={d.classifierUrl} onChange={(v) => set('classifierUrl', v)} />
            <TextField name="classifierTimeoutMs" type="number" min={50} max={5000} label={t('console.chat.settings.fields.classifierTimeout')} value={d.classifierTimeoutMs} onChange={(v) => set('classifierTimeoutMs', v)} />
            <SelectField name="classifierFailMode" label={t('console.chat.settings.fields.classifierFailMode')} value={d.classifierFailMode} options={failOptions} onChange={(v) => set('classifierFailMode', v)} />
          </div>
        )}
      </fieldset>
      <FormError message={error} />
      <div className="form__actions">
        <button type="submit" className="button button--accent" disabled={busy} data-testid="chat-settings-save">
          {t('console.chat.settings.save')}
        </button>
        {saved && (
          <span className="muted small chat-settings__saved" role="status" data-testid="chat-settings-saved">
            {t('console.chat.settings.saved')}
          </span>
        )}
      </div>
    </form>
  );
}
