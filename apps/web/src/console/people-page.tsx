import { PersonRoles, type CreatedInvitation, type Invitation, type MailLocale, type PersonRole } from '@onda/contracts';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useConsoleApi } from '../api/console-context';
import { useAction } from './use-action';
import { useLoad, type LoadState } from '../api/use-load';
import { formatDateTime } from '../i18n/format';
import { ConfirmDialog } from './confirm-dialog';
import { FormError, SelectField, SubmitRow, TextField } from './fields';
import { LoadedTable } from './loaded-table';
import { MailOutcomeNote, SecretOnce } from './secret-once';

const TTL_HOURS = ['24', '72', '168'] as const;

/** Invite form: an operator invites any role; the link is shown once, to copy. */
function InviteForm({ channels, onCreated }: { channels: Array<{ slug: string; title: string }>; onCreated(): void }) {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const [email, setEmail] = useState('');
  // The mail's language (with SMTP settings): the inviter's own by default; '' = both.
  const [locale, setLocale] = useState<MailLocale | ''>(i18n.language === 'ko' ? 'ko' : 'en');
  const [role, setRole] = useState<PersonRole>('streamer');
  const [channel, setChannel] = useState('');
  const [hours, setHours] = useState<(typeof TTL_HOURS)[number]>('72');
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const { busy, error, attempt } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await attempt(async () => {
      setCreated(await api.createLinkInvitation({ email: email.trim(), role, channel: role === 'moderator' ? channel : undefined, expiresInHours: Number(hours), ...(locale ? { locale } : {}) }));
      setEmail('');
      onCreated();
    });
  };

  return (
    <>
      {created && <SecretOnce title={t('console.people.linkCreated', { email: created.email })} value={created.url} onDone={() => setCreated(null)} testId="invite-link" />}
      {created && <MailOutcomeNote outcome={created.mail} email={created.email} />}
      <form className="form panel" onSubmit={(e) => void submit(e)} data-testid="invite-form">
        <h2 className="panel__title">{t('console.people.invite')}</h2>
        <p className="muted small">{t('console.people.inviteHint')}</p>
        <div className="form__row">
          <TextField name="email" type="email" label={t('console.people.email')} value={email} onChange={setEmail} autoComplete="off" required />
          <SelectField<PersonRole> name="role" label={t('console.people.roleLabel')} value={role} onChange={setRole} options={PersonRoles.map((r) => ({ value: r, label: t(`console.people.role.${r}`) }))} />
        </div>
        <div className="form__row">
          {role === 'moderator' && (
            <SelectField
              name="channel"
              label={t('console.people.channel')}
              value={channel}
              onChange={setChannel}
              options={[{ value: '', label: t('console.people.channelNone') }, ...channels.map((c) => ({ value: c.slug, label: c.title }))]}
            />
          )}
 <SelectField<MailLocale | ''>
            name="locale"
            label={t('console.mail.language')}
            value={locale}
            onChange={setLocale}
            options={[{ value: 'ko', label: t('console.mail.ko') }, { value: 'en', label: t('console.mail.en') }, { value: '', label: t('console.mail.both') }]}
          />
          <SelectField<(typeof TTL_HOURS)[number]> name="hours" label={t('console.people.expires')} value={hours} onChange={setHours} options={TTL_HOURS.map((h) => ({ value: h, label: t('console.people.hours', { count: Number(h) }) }))} />
        </div>
        <FormError message={error} />
        <SubmitRow disabled={busy || (role === 'moderator' && !channel)}>
          {t('console.people.send')}
        </SubmitRow>
      </form>
    </>
  );
}

function PendingInvitations({ state, onWithdraw }: { state: LoadState<Invitation[]>; onWithdraw(invitation: Invitation): void }) {
  const { t, i18n } = useTranslation();
  return (
    <LoadedTable
      state={state}
      look="panel"
      empty={t('console.people.noPending')}
      testId="pending-invitations"
      head={[t('console.people.email'), t('console.people.roleLabel'), t('console.people.expiresAt'), '']}
      row={(invitation) => (
        <tr key={invitation.id} className={invitation.expired ? 'table__row--muted' : undefined}>
          <td className="table__primary">{invitation.email}</td>
          <td>
            {t(`console.people.role.${invitation.role}`)}
            {invitation.channel && <div className="table__secondary">{invitation.channel.title}</div>}
          </td>
          <td>{invitation.expired ? t('console.people.expired') : formatDateTime(invitation.expiresAt, i18n.language)}</td>
          <td className="table__actions">
            <button type="button" className="button button--small" onClick={() => onWithdraw(invitation)}>
              {t('console.people.withdraw')}
            </button>
          </td>
        </tr>
      )}
    />
  );
}

/** `/console/people`: every account (operators), invitations by link, and a way into each account. */
export function PeoplePage() {
  const { t, i18n } = useTranslation();
  const api = useConsoleApi();
  const me = useLoad('me', (signal) => api.me(signal));
  const people = useLoad('people', (signal) => api.listPeople(signal));
  const invitations = useLoad('link-invitations', (signal) => api.listLinkInvitations(signal));
  const [withdrawing, setWithdrawing] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState(false);

  const withdraw = async (invitation: Invitation) => {
    setBusy(true);
    try {
      await api.withdrawLinkInvitation(invitation.id);
      invitations.reload();
    } finally {
      setBusy(false);
      setWithdrawing(null);
    }
  };

  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">{t('console.people.title')}</h1>
        <p className="page__subtitle">{t('console.people.subtitle')}</p>
      </div>
      {me.data?.operator && <InviteForm channels={(people.data ?? []).flatMap((p) => p.channels)} onCreated={invitations.reload} />}
      <section className="panel">
        <h2 className="panel__title">{t('console.people.pending')}</h2>
        <PendingInvitations state={invitations} onWithdraw={setWithdrawing} />
      </section>
      <LoadedTable
        state={people}
        empty={t('console.people.empty')}
        testId="people-table"
        head={[t('console.people.name'), t('console.people.roleLabel'), t('console.people.status'), t('console.people.channels'), t('console.people.since')]}
        row={(person) => (
          <tr key={person.id} className={person.disabled ? 'table__row--muted' : undefined}>
            <td>
              <Link to={`/console/people/${person.id}`} className="table__primary">
                {person.displayName}
                {person.id === me.data?.id && ` (${t('console.people.you')})`}
              </Link>
              <div className="table__secondary">{person.email}</div>
            </td>
            <td>{t(`console.people.role.${person.role}`)}</td>
            <td>
              <span className={`badge ${person.disabled ? 'badge--failed' : 'badge--ok'}`}>{person.disabled ? t('console.people.disabled') : t('console.people.active')}</span>
            </td>
            <td>{person.channels.map((c) => c.slug).join(', ') || '—'}</td>
            <td>{formatDateTime(person.createdAt, i18n.language)}</td>
          </tr>
        )}
      />
      {withdrawing && (
        <ConfirmDialog
          title={t('console.people.withdrawTitle', { email: withdrawing.email })}
          body={t('console.people.withdrawBody')}
          confirmLabel={t('console.people.withdraw')}
          busy={busy}
          onConfirm={() => void withdraw(withdrawing)}
          onCancel={() => setWithdrawing(null)}
        />
      )}
    </div>
  );
}
