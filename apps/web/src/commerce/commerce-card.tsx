import { formatPrice, type CommerceMoment } from '@onda/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { formatNumber } from '../i18n/format';
import { commerceClient } from './commerce-api';
import { countImpression, noteClaim } from './use-commerce';

/** A card as viewers see it; `channel` null = a replay (a VOD): nothing is counted and nothing can be claimed. */
export function CommerceCard({ moment, channel, yourClaims = 0, compact = false }: { moment: CommerceMoment; channel: string | null; yourClaims?: number; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    if (channel && !compact) countImpression(channel, moment.id);
  }, [channel, compact, moment.id]);
  const click = () => {
    if (channel) void commerceClient().event(channel, moment.id, 'click').catch(() => undefined);
  };
  const price = moment.price;
  return (
    <article className={`commerce-card commerce-card--${moment.kind}${compact ? ' commerce-card--compact' : ''}`} data-testid="commerce-card" data-kind={moment.kind} data-moment={moment.id}>
      {moment.imageUrl && !compact && <img className="commerce-card__image" src={moment.imageUrl} alt="" loading="lazy" />}
      <div className="commerce-card__body">
        <p className="commerce-card__label">{t(`commerce.kind.${moment.kind === 'drop' ? (moment.drop?.kind ?? 'coupon') : moment.kind}`)}</p>
        <h3 className="commerce-card__title">{moment.title}</h3>
        {moment.message && !compact && <p className="commerce-card__message">{moment.message}</p>}
        {price && (
          <p className="commerce-card__price" data-testid="commerce-price">
            <strong>{formatPrice(price.amount, price.currency, i18n.language)}</strong>
            {price.listAmount !== null && price.listAmount > price.amount && <s className="commerce-card__list">{formatPrice(price.listAmount, price.currency, i18n.language)}</s>}
          </p>
        )}
        {moment.drop && <DropAction moment={moment} channel={channel} yourClaims={yourClaims} />}
        {moment.url && (
          <a className="button button--small commerce-card__link" href={moment.url} target="_blank" rel="noopener noreferrer sponsored" onClick={click} data-testid="commerce-link">
            {t(moment.kind === 'product' ? 'commerce.buy' : 'commerce.open')}
          </a>
        )}
      </div>
    </article>
  );
}

function DropAction({ moment, channel, yourClaims }: { moment: CommerceMoment; channel: string | null; yourClaims: number }) {
  const { t, i18n } = useTranslation();
  const drop = moment.drop!;
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const over = moment.endsAt !== null && Date.parse(moment.endsAt) <= Date.now();
  const full = yourClaims >= drop.perViewerLimit;
  const claim = async () => {
    if (!channel) return;
    setBusy(true);
    setProblem(null);
    try {
      const result = await commerceClient().claim(channel, moment.id);
      setCode(result.code);
      noteClaim(moment.id, result.yourClaims);
    } catch (caught) {
      setProblem(t(claimProblem(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="commerce-card__drop">
      <p className="commerce-card__remaining" data-testid="commerce-remaining">
        {t('commerce.remaining', { left: formatNumber(drop.remaining, i18n.language), total: formatNumber(drop.quantity, i18n.language) })}
      </p>
      {channel && (
        <button type="button" className="button button--accent button--small" disabled={busy || full || over || drop.remaining === 0} onClick={() => void claim()} data-testid="commerce-claim">
          {full ? t('commerce.claimed') : over ? t('commerce.over') : drop.remaining === 0 ? t('commerce.soldOut') : t(drop.kind === 'giveaway' ? 'commerce.enter' : 'commerce.claim')}
        </button>
      )}
      {code && (
        <p className="commerce-card__code" data-testid="commerce-code">
          {t('commerce.code')} <code>{code}</code>
        </p>
      )}
      {problem && (
        <p className="commerce-card__problem" role="alert" data-testid="commerce-problem">
          {problem}
        </p>
      )}
    </div>
  );
}

/** Which sentence tells the viewer why a claim failed (the API's status and detail). */
export function claimProblem(caught: unknown) {
  const problem = (key: 'signIn' | 'identity' | 'already' | 'closed' | 'over' | 'soldOut' | 'slow' | 'failed') => `commerce.problem.${key}` as const;
  if (!(caught instanceof ApiError)) return problem('failed');
  if (caught.status === 401) return problem(caught.message.includes('Sign in to claim') ? 'signIn' : 'identity');
  if (caught.status === 409) return problem(caught.message.includes('already') ? 'already' : 'closed');
  if (caught.status === 410) return problem(caught.message.includes('window') ? 'over' : 'soldOut');
  if (caught.status === 429) return problem('slow');
  return problem('failed');
}
