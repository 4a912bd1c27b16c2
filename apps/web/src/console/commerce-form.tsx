import { CreateCommerceMomentSchema, type CreateCommerceMoment } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckField, FormError, SelectField, SubmitRow, TextField } from './fields';

type Kind = CreateCommerceMoment['kind'];
const CURRENCIES = ['KRW', 'USD', 'JPY', 'EUR', 'CNY'] as const;
type Currency = (typeof CURRENCIES)[number];

const optionalNumber = (v: string) => (v.trim() ? Number(v) : undefined);
const optionalText = (v: string) => (v.trim() ? v.trim() : undefined);

/** Prepare a product card, a sponsor card or a coupon/giveaway drop; the picture goes up after the moment exists. */
export function CommerceForm({ busy, onCreate }: { busy: boolean; onCreate(body: CreateCommerceMoment, image: File | null): Promise<boolean> }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('product');
  const [f, setF] = useState({ title: '', message: '', url: '', amount: '', listAmount: '', displaySeconds: '', quantity: '', perViewerLimit: '1', windowSeconds: '', code: '' });
  const [currency, setCurrency] = useState<Currency>('KRW');
  const [dropKind, setDropKind] = useState<'coupon' | 'giveaway'>('coupon');
  const [requireAccount, setRequireAccount] = useState(false);
  const [image, setImage] = useState<File | null>(null);
  // A new file input after each creation (a file input cannot be cleared by its value).
  const [fileKey, setFileKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof f) => (value: string) => setF({ ...f, [key]: value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const common = { kind, title: f.title, message: optionalText(f.message), url: optionalText(f.url) };
    const raw =
      kind === 'product'
        ? { ...common, price: { amount: optionalNumber(f.amount), currency, listAmount: optionalNumber(f.listAmount) } }
        : kind === 'sponsor'
          ? { ...common, displaySeconds: optionalNumber(f.displaySeconds) }
          : { ...common, dropKind, quantity: optionalNumber(f.quantity), perViewerLimit: optionalNumber(f.perViewerLimit), windowSeconds: optionalNumber(f.windowSeconds), code: optionalText(f.code), requireAccount };
    const parsed = CreateCommerceMomentSchema.safeParse(JSON.parse(JSON.stringify(raw)));
    if (!parsed.success) {
      setError(t('commerce.console.invalid', { fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ') }));
      return;
    }
    setError(null);
    if (await onCreate(parsed.data, image)) {
      setF({ ...f, title: '', message: '', url: '', amount: '', listAmount: '', code: '' });
      setImage(null);
      setFileKey((k) => k + 1);
    }
  };

  return (
    <form className="form panel" onSubmit={(e) => void submit(e)} noValidate data-testid="commerce-form">
      <h2 className="panel__title">{t('commerce.console.new')}</h2>
      <SelectField<Kind> name="kind" label={t('commerce.console.kind')} value={kind} onChange={setKind} options={(['product', 'sponsor', 'drop'] as const).map((k) => ({ value: k, label: t(`commerce.console.kinds.${k}`) }))} />
      <TextField name="title" label={t(kind === 'sponsor' ? 'commerce.console.sponsorName' : kind === 'drop' ? 'commerce.console.dropTitle' : 'commerce.console.productName')} value={f.title} onChange={set('title')} />
      <TextField name="message" label={t('commerce.console.message')} value={f.message} onChange={set('message')} multiline />
      <TextField name="url" type="url" label={t('commerce.console.url')} value={f.url} onChange={set('url')} hint="https://…" />
      {kind === 'product' && (
        <div className="commerce-form__row">
          <TextField name="amount" type="number" min={0} label={t('commerce.console.price')} value={f.amount} onChange={set('amount')} />
          <SelectField<Currency> name="currency" label={t('commerce.console.currency')} value={currency} onChange={setCurrency} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
          <TextField name="listAmount" type="number" min={0} label={t('commerce.console.listPrice')} value={f.listAmount} onChange={set('listAmount')} />
        </div>
      )}
      {kind === 'sponsor' && <TextField name="displaySeconds" type="number" min={5} max={3600} label={t('commerce.console.displaySeconds')} hint={t('commerce.console.untilHidden')} value={f.displaySeconds} onChange={set('displaySeconds')} />}
      {kind === 'drop' && (
        <>
          <SelectField<'coupon' | 'giveaway'> name="dropKind" label={t('commerce.console.dropKind')} value={dropKind} onChange={setDropKind} options={(['coupon', 'giveaway'] as const).map((k) => ({ value: k, label: t(`commerce.kind.${k}`) }))} />
          <div className="commerce-form__row">
            <TextField name="quantity" type="number" min={1} label={t('commerce.console.quantity')} value={f.quantity} onChange={set('quantity')} />
            <TextField name="perViewerLimit" type="number" min={1} max={100} label={t('commerce.console.perViewer')} value={f.perViewerLimit} onChange={set('perViewerLimit')} />
            <TextField name="windowSeconds" type="number" min={10} max={86400} label={t('commerce.console.window')} hint={t('commerce.console.untilHidden')} value={f.windowSeconds} onChange={set('windowSeconds')} />
          </div>
          <TextField name="code" label={t('commerce.console.code')} hint={t('commerce.console.codeHint')} value={f.code} onChange={set('code')} />
          <CheckField name="requireAccount" label={t('commerce.console.requireAccount')} checked={requireAccount} onChange={setRequireAccount} />
        </>
      )}
      <div className="field">
        <label className="field__label" htmlFor="commerce-image">
          {t(kind === 'sponsor' ? 'commerce.console.logo' : 'commerce.console.image')}
        </label>
        <input key={fileKey} id="commerce-image" name="image" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => setImage(e.target.files?.[0] ?? null)} />
        <span className="field__hint">{t('commerce.console.imageHint')}</span>
      </div>
      <FormError message={error} />
      <SubmitRow disabled={busy} testId="commerce-create">
        {t('commerce.console.create')}
      </SubmitRow>
    </form>
  );
}
