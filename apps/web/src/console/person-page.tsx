import { PersonRoles, type Person, type PersonRole, type ResetLink } from '@onda/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { errorText } from '../api/errors';
import { BackLink, PageLoadError } from './page-parts';
import { useLoad } from '../api/use-load';
import { AuditTable } from './audit-page';
import { ConfirmDialog } from './confirm-dialog';
import { FormError, SelectField } from './fields';
import { SessionsAndTokens } from './person-panels';
import { MailOutcomeNote, SecretOnce } from './secret-once';

/** Delete with the channel transfer the server requires when the account owns channels. */
function DeleteDialog({ person, heirs, busy, onConfirm, onCancel }: { person: Person; heirs: Person[]; busy: boolean; onConfirm(transferTo?: string): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [heir, setHeir] = useState('');
  const owns = person.channels.length;
  return (
    <ConfirmDialog
      title={t('console.person.deleteTitle', { email: person.email })}
      body={t('console.person.deleteBody')}
      confirmLabel={t('console.person.delete')}
      busy={busy}
      confirmDisabled={owns > 0 && !heir}
      onConfirm={() => onConfirm(heir || undefined)}
      onCancel={onCancel}
    >
      {owns > 0 && (
        <>
          <p className="modal__body">{t('console.person.deleteOwns', { count: owns })}</p>
          <SelectField name="transferTo" label={t('console.person.transferTo')} value={heir} onChange={setHeir} options={[{ value: '', label: t('console.person.transferNone') }, ...heirs.map((h) => ({ value: h.id, label: `${h.displayName} <${h.email}>` }))]} />
        </>
      )}
    </ConfirmDialog>
  );
}

/** Operator actions on another account: role, disable/enable, reset link, delete. */
function OperatorActions({ person, onChanged }: { person: Person; onChanged(): void }) {
  const { t } = useTranslation();
  const api = useConsoleApi();
  const navigate = useNavigate();
  const people = useLoad('people', (signal) => api.listPeople(signal));
  const [role, setRole] = useState<PersonRole>(person.role === 'viewer' ? 'moderator' : person.role);
  const [dialog, setDialog] = useState<'disable' | 'delete' | null>(null);
  const [reset, setReset] = useState<ResetLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setDialog(null);
      (after ?? onChanged)();
    } catch (caught) {
      setError(errorText(t, caught));
      setDialog(null);
    } finally {
      setBusy(false);
    }
  };
  const heirs = (people.data ?? []).filter((p) => p.id !== person.id && !p.disabled && (p.role === 'streamer' || p.role === 'operator'));

  return (
    <section className="panel" data-testid="operator-actions">
      {reset && <SecretOnce title={t('console.person.resetCreated', { email: person.email })} value={reset.url} onDone={() => setReset(null)} testId="reset-link" />}
      {reset && <MailOutcomeNote outcome={reset.mail} email={person.email} />}
      <div className="form__row">
        <SelectField<PersonRole> name="role" label={t('console.person.role')} value={role} onChange={setRole} options={PersonRoles.map((r) => ({ value: r, label: t(`console.people.role.${r}`) }))} />
      </div>
      <div className="form__actions">
        <button type="button" className="button" disabled={busy || role === person.role} onClick={() => void run(() => api.updatePerson(person.id, { role }))}>
          {t('console.person.saveRole')}
        </button>
        {person.disabled ? (
          <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.setPersonDisabled(person.id, false))} data-testid="enable">
            {t('console.person.enable')}
          </button>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => setDialog('disable')} data-testid="disable">
            {t('console.person.disable')}
          </button>
        )}
        <button type="button" className="button" disabled={busy || person.disabled} onClick={() => void run(async () => setReset(await api.issuePasswordReset(person.id)), () => undefined)} data-testid="reset">
          {t('console.person.reset')}
        </button>
        <button type="button" className="button button--danger" disabled={busy} onClick={() => setDialog('delete')} data-testid="delete">
          {t('console.person.delete')}
        </button>
      </div>
      <FormError message={error} />
      {dialog === 'disable' && (
        <ConfirmDialog
          title={t('console.person.disableTitle', { email: person.email })}
          body={t('console.person.disableBody')}
          confirmLabel={t('console.person.disable')}
          busy={busy}
          onConfirm={() => void run(() => api.setPersonDisabled(person.id, true))}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && (
        <DeleteDialog person={person} heirs={heirs} busy={busy} onCancel={() => setDialog(null)} onConfirm={(to) => void run(() => api.deletePerson(person.id, to), () => void navigate('/console/people'))} />
      )}
    </section>
  );
}

/** `/console/people/:id`: one account; operators manage it, everyone sees its sessions and tokens. */
export function PersonPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const api = useConsoleApi();
  const me = useLoad('me', (signal) => api.me(signal));
  const person = useLoad(`person-${id}`, (signal) => api.getPerson(id, signal));
  const history = useLoad(`audit-${id}-${me.data?.operator === true}`, (signal) => (me.data?.operator ? api.listAudit(signal).then((all) => all.filter((a) => a.target.id === id)) : Promise.resolve([])));

  if (person.error) return <PageLoadError error={person.error} />;
  if (!person.data || !me.data) return <div className="spinner console-spinner" />;
  const p = person.data;
  return (
    <div className="page">
      <div className="page__head">
        <BackLink to="/console/people">
          ← {t('console.person.back')}
        </BackLink>
        <h1 className="page__title">{p.displayName}</h1>
        <p className="page__subtitle">
          {p.email} · {t(`console.people.role.${p.role}`)} ·{' '}
          <span className={`badge ${p.disabled ? 'badge--failed' : 'badge--ok'}`}>{p.disabled ? t('console.people.disabled') : t('console.people.active')}</span>
        </p>
        {p.channels.length > 0 && <p className="muted small">{t('console.people.channels')}: {p.channels.map((c) => c.slug).join(', ')}</p>}
      </div>
      {me.data.operator && me.data.id !== p.id && <OperatorActions person={p} onChanged={() => { person.reload(); history.reload(); }} />}
      <SessionsAndTokens userId={p.id} />
      {me.data.operator && (
        <section className="panel">
          <h2 className="panel__title">{t('console.person.history')}</h2>
          <AuditTable state={history} look="panel" empty={t('console.person.noHistory')} />
        </section>
      )}
    </div>
  );
}
