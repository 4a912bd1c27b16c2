import type { MailOutcome } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import { CopyButton } from './copy-button';

/** A freshly created secret that the API never returns again: shown once with a copy button. */
export function SecretOnce({ title, value, onDone, testId }: { title: string; value: string; onDone(): void; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="callout" role="status" data-testid={testId}>
      <p className="callout__title">{title}</p>
      <p className="muted small">{t('console.shownOnce')}</p>
      <div className="kv__row">
        <code className="secret" data-testid={`${testId}-value`}>
          {value}
        </code>
        <CopyButton text={value} testId={`${testId}-copy`} />
        <button type="button" className="button" onClick={onDone}>
          {t('console.done')}
        </button>
      </div>
    </div>
  );
}

/** Whether a link also went out by mail (SMTP settings): nothing to say when mail is off, the link is there to copy. */
export function MailOutcomeNote({ outcome, email }: { outcome: MailOutcome | undefined; email: string }) {
  const { t } = useTranslation();
  if (outcome !== 'sent' && outcome !== 'failed') return null;
  return (
    <p className={outcome === 'failed' ? 'form-error' : 'muted small'} role="status" data-testid="mail-outcome">
      {t(`console.mail.${outcome}`, { email })}
    </p>
  );
}
