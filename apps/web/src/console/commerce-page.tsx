import type { CommerceMomentAdmin, CreateCommerceMoment } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { errorText } from '../api/errors';
import { BackLink } from './page-parts';
import { useAction } from './use-action';
import { usePoll } from '../api/use-poll';
import { commerceClient } from '../commerce/commerce-api';
import { CommerceCard } from '../commerce/commerce-card';
import { formatNumber } from '../i18n/format';
import { CommerceForm } from './commerce-form';
import { FormError } from './fields';
import '../commerce/commerce.css';

/** Claims and impressions change under the producer's eyes: read again while the page is open. */
export const CommercePollMs = 3000;

/** `/console/channels/:slug/commerce`: prepare product cards, sponsor cards and drops; show and hide them during the live; their numbers. */
export function CommercePage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const api = commerceClient();
  const [generation, setGeneration] = useState(0);
  const moments = usePoll(`commerce:${slug}:${generation}`, (signal) => api.list(slug, signal), () => CommercePollMs);
  const { busy, error, attempt } = useAction();

  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    const done = await attempt(work);
    setGeneration((g) => g + 1);
    return done;
  };
  const create = (body: CreateCommerceMoment, image: File | null) =>
    run(async () => {
      const created = await api.create(slug, body);
      if (image) await api.uploadImage(slug, created.id, image);
    });

  return (
    <div className="page" data-testid="commerce-page">
      <div className="page__head console-head">
        <div>
          <BackLink to={`/console/channels/${slug}`} />
          <h1 className="page__title">{t('commerce.console.title')}</h1>
          <p className="page__subtitle">{t('commerce.console.subtitle')}</p>
        </div>
      </div>
      <div className="detail">
        <CommerceForm busy={busy} onCreate={create} />
        <section className="detail__side" aria-label={t('commerce.console.list')}>
          <FormError message={error} />
          {!moments.data ? (
            moments.error ? <p className="form-error">{errorText(t, moments.error)}</p> : <div className="spinner console-spinner" />
          ) : moments.data.length === 0 ? (
            <p className="muted" data-testid="commerce-empty">
              {t('commerce.console.empty')}
            </p>
          ) : (
            <ul className="commerce-list">
              {moments.data.map((m) => (
                <MomentRow key={m.id} moment={m} busy={busy} onShow={() => void run(() => api.show(slug, m.id))} onHide={() => void run(() => api.hide(slug, m.id))} onDelete={() => void run(() => api.remove(slug, m.id))} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function MomentRow({ moment, busy, onShow, onHide, onDelete }: { moment: CommerceMomentAdmin; busy: boolean; onShow(): void; onHide(): void; onDelete(): void }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  const s = moment.stats;
  return (
    <li className="panel commerce-row" data-testid="commerce-moment" data-status={moment.status} data-title={moment.title}>
      <div className="commerce-row__head">
        <CommerceCard moment={moment} channel={null} />
        <span className={moment.status === 'shown' ? 'badge badge--live' : 'badge badge--offline'}>{t(`commerce.console.status.${moment.status}`)}</span>
      </div>
      {moment.code && (
        <p className="muted small">
          {t('commerce.console.code')}: <code>{moment.code}</code>
        </p>
      )}
      <dl className="facts" data-testid="commerce-stats">
        <dt>{t('commerce.console.impressions')}</dt>
        <dd data-testid="stat-impressions">{n(s.impressions)}</dd>
        <dt>{t('commerce.console.clicks')}</dt>
        <dd data-testid="stat-clicks">{n(s.clicks)}</dd>
        {moment.kind === 'drop' && (
          <>
            <dt>{t('commerce.console.claims')}</dt>
            <dd data-testid="stat-claims">{t('commerce.console.claimsOf', { claims: n(s.claims), claimers: n(s.claimers), quantity: n(moment.drop?.quantity ?? 0) })}</dd>
          </>
        )}
        <dt>{t('commerce.console.conversion')}</dt>
        <dd data-testid="stat-conversion">{percent.format(s.conversion)}</dd>
      </dl>
      <div className="commerce-row__foot">
        {moment.status === 'shown' ? (
          <button type="button" className="button button--small" disabled={busy} onClick={onHide} data-testid="commerce-hide">
            {t('commerce.console.hide')}
          </button>
        ) : (
          <button type="button" className="button button--accent button--small" disabled={busy} onClick={onShow} data-testid="commerce-show">
            {t('commerce.console.show')}
          </button>
        )}
        <button type="button" className="button button--small button--danger" disabled={busy} onClick={onDelete} data-testid="commerce-delete">
          {t('commerce.console.delete')}
        </button>
      </div>
    </li>
  );
}
