import {
  AccountAuditEntrySchema, ApiTokenSchema, PageSchema, ConsoleSessionSchema, CreatedInvitationSchema, InvitationPreviewSchema, InvitationSchema, PersonSchema, ResetLinkSchema,
  type AccountAuditEntry, type ApiToken, type ConsoleSessionInfo, type CreatedInvitation, type CreateInvitation, type Invitation, type InvitationPreview, type MailLocale, type Person, type PersonRole, type ResetLink,
} from '@onda/contracts';
import { ApiClient } from './client';

/** People and roles (issue 14): accounts, invitation links, passwords, sessions and tokens of an account, the audit log. */
export interface PeopleApi {
  listPeople(signal?: AbortSignal): Promise<Person[]>;
  getPerson(id: string, signal?: AbortSignal): Promise<Person>;
  updatePerson(id: string, body: { displayName?: string; role?: PersonRole }): Promise<Person>;
  setPersonDisabled(id: string, disabled: boolean): Promise<Person>;
  deletePerson(id: string, transferTo?: string): Promise<void>;
  issuePasswordReset(id: string): Promise<ResetLink>;
  listPersonSessions(id: string, signal?: AbortSignal): Promise<ConsoleSessionInfo[]>;
  revokePersonSession(id: string, sessionId: string): Promise<void>;
  listPersonTokens(id: string, signal?: AbortSignal): Promise<ApiToken[]>;
  revokePersonToken(id: string, tokenId: string): Promise<void>;
  listAudit(signal?: AbortSignal): Promise<AccountAuditEntry[]>;
  listLinkInvitations(signal?: AbortSignal): Promise<Invitation[]>;
  createLinkInvitation(body: CreateInvitation): Promise<CreatedInvitation>;
  withdrawLinkInvitation(id: string): Promise<void>;
  previewInvitation(token: string): Promise<InvitationPreview>;
  /** `locale`: the language the invitee accepted in (later mail to the account is written in it). */
  acceptInvitation(token: string, displayName: string, password: string, locale?: MailLocale): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  resetPassword(token: string, password: string): Promise<void>;
}

// The unpaginated lists answer `{ items }` only.
const PersonList = PageSchema(PersonSchema).pick({ items: true });
const SessionList = PageSchema(ConsoleSessionSchema).pick({ items: true });
const TokenList = PageSchema(ApiTokenSchema).pick({ items: true });
const AuditList = PageSchema(AccountAuditEntrySchema).pick({ items: true });
const InvitationList = PageSchema(InvitationSchema).pick({ items: true });
const enc = encodeURIComponent;

/** The people routes, as a base the console client extends (keeps console-client.ts about channels and media). */
export class PeopleClient extends ApiClient implements PeopleApi {
  async listPeople(signal?: AbortSignal): Promise<Person[]> {
    return (await this.request('GET', '/v1/users', PersonList, { signal })).items;
  }
  getPerson(id: string, signal?: AbortSignal): Promise<Person> {
    return this.request('GET', `/v1/users/${enc(id)}`, PersonSchema, { signal });
  }
  updatePerson(id: string, body: { displayName?: string; role?: PersonRole }): Promise<Person> {
    return this.request('PATCH', `/v1/users/${enc(id)}`, PersonSchema, { body });
  }
  setPersonDisabled(id: string, disabled: boolean): Promise<Person> {
    return this.request('POST', `/v1/users/${enc(id)}/${disabled ? 'disable' : 'enable'}`, PersonSchema);
  }
  deletePerson(id: string, transferTo?: string): Promise<void> {
    return this.request('DELETE', `/v1/users/${enc(id)}${transferTo ? `?transferTo=${enc(transferTo)}` : ''}`, null);
  }
  issuePasswordReset(id: string): Promise<ResetLink> {
    return this.request('POST', `/v1/users/${enc(id)}/password-reset`, ResetLinkSchema);
  }
  async listPersonSessions(id: string, signal?: AbortSignal): Promise<ConsoleSessionInfo[]> {
    return (await this.request('GET', `/v1/users/${enc(id)}/sessions`, SessionList, { signal })).items;
  }
  revokePersonSession(id: string, sessionId: string): Promise<void> {
    return this.request('DELETE', `/v1/users/${enc(id)}/sessions/${enc(sessionId)}`, null);
  }
  async listPersonTokens(id: string, signal?: AbortSignal): Promise<ApiToken[]> {
    return (await this.request('GET', `/v1/users/${enc(id)}/tokens`, TokenList, { signal })).items;
  }
  async revokePersonToken(id: string, tokenId: string): Promise<void> {
    await this.request('DELETE', `/v1/users/${enc(id)}/tokens/${enc(tokenId)}`, ApiTokenSchema);
  }
  async listAudit(signal?: AbortSignal): Promise<AccountAuditEntry[]> {
    return (await this.request('GET', '/v1/users/audit?limit=200', AuditList, { signal })).items;
  }
  async listLinkInvitations(signal?: AbortSignal): Promise<Invitation[]> {
    return (await this.request('GET', '/v1/invitations', InvitationList, { signal })).items;
  }
  createLinkInvitation(body: CreateInvitation): Promise<CreatedInvitation> {
    return this.request('POST', '/v1/invitations', CreatedInvitationSchema, { body });
  }
  withdrawLinkInvitation(id: string): Promise<void> {
    return this.request('DELETE', `/v1/invitations/${enc(id)}`, null);
  }
  previewInvitation(token: string): Promise<InvitationPreview> {
    return this.request('POST', '/v1/invitations/preview', InvitationPreviewSchema, { body: { token } });
  }
  async acceptInvitation(token: string, displayName: string, password: string, locale?: MailLocale): Promise<void> {
    await this.request('POST', '/v1/invitations/accept', null, { body: { token, displayName, password, ...(locale ? { locale } : {}) } });
  }
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('POST', '/v1/users/me/password', null, { body: { currentPassword, newPassword } });
  }
  resetPassword(token: string, password: string): Promise<void> {
    return this.request('POST', '/v1/users/password-reset', null, { body: { token, password } });
  }
}
