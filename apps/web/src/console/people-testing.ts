import type { MailOutcome, AccountAuditEntry, ApiToken, ConsoleSessionInfo, CreatedInvitation, CreateInvitation, Invitation, InvitationPreview, Person, PersonRole, ResetLink } from '@onda/contracts';
import { ApiError } from '../api/client';
import type { PeopleApi } from '../api/people-client';
import { FakeViewerApi } from '../test/fixtures';

const ME = '00000000-0000-4000-8000-0000000000aa';

/** In-memory people routes for component tests: the signed-in operator and whoever the test adds. */
export class FakePeopleApi extends FakeViewerApi implements PeopleApi {
  people = new Map<string, Person>([[ME, { id: ME, email: 'admin@example.com', displayName: 'Admin', role: 'operator', disabled: false, disabledAt: null, createdAt: '2026-01-01T00:00:00.000Z', channels: [] }]]);
  linkInvitations: Invitation[] = [];
  audit: AccountAuditEntry[] = [];
  peopleCalls: string[] = [];
  /** What the fake server says about mailing links (no SMTP settings: off). */
  mail: MailOutcome = 'off';
  private serial = 0;

  async listPeople(): Promise<Person[]> {
    return [...this.people.values()];
  }
  async getPerson(id: string): Promise<Person> {
    const person = this.people.get(id);
    if (!person) throw new ApiError('not_found', 404, `No account ${id}`);
    return person;
  }
  async updatePerson(id: string, body: { displayName?: string; role?: PersonRole }): Promise<Person> {
    const person = { ...(await this.getPerson(id)), ...body };
    this.people.set(id, person);
    return person;
  }
  async setPersonDisabled(id: string, disabled: boolean): Promise<Person> {
    this.peopleCalls.push(`${disabled ? 'disable' : 'enable'} ${id}`);
    return this.updatePerson(id, {}).then((p) => {
      const next = { ...p, disabled, disabledAt: disabled ? '2026-01-02T00:00:00.000Z' : null };
      this.people.set(id, next);
      return next;
    });
  }
  async deletePerson(id: string, transferTo?: string): Promise<void> {
    this.peopleCalls.push(`delete ${id}${transferTo ? ` -> ${transferTo}` : ''}`);
    this.people.delete(id);
  }
  async issuePasswordReset(): Promise<ResetLink> {
    return { url: 'http://onda.test/console/reset#token=rst_fake', expiresAt: '2026-01-02T00:00:00.000Z', mail: this.mail };
  }
  async listPersonSessions(): Promise<ConsoleSessionInfo[]> {
    return [{ id: '00000000-0000-4000-8000-0000000000c1', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-08T00:00:00.000Z', current: true }];
  }
  async revokePersonSession(id: string, sessionId: string): Promise<void> {
    this.peopleCalls.push(`revokeSession ${id} ${sessionId}`);
  }
  async listPersonTokens(): Promise<ApiToken[]> {
    return [];
  }
  async revokePersonToken(id: string, tokenId: string): Promise<void> {
    this.peopleCalls.push(`revokeToken ${id} ${tokenId}`);
  }
  async listAudit(): Promise<AccountAuditEntry[]> {
    return this.audit;
  }
  async listLinkInvitations(): Promise<Invitation[]> {
    return this.linkInvitations;
  }
  async createLinkInvitation(body: CreateInvitation): Promise<CreatedInvitation> {
    this.serial += 1;
    this.peopleCalls.push(`invite ${body.email} ${body.locale ?? 'both'}`);
    const invitation: Invitation = { id: `00000000-0000-4000-8000-${String(this.serial).padStart(12, '0')}`, email: body.email, role: body.role, channel: null, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-04T00:00:00.000Z', expired: false };
    this.linkInvitations.push(invitation);
    return { ...invitation, token: `inv_fake_${this.serial}`, url: `http://onda.test/console/accept#token=inv_fake_${this.serial}`, mail: this.mail };
  }
  async withdrawLinkInvitation(id: string): Promise<void> {
    this.linkInvitations = this.linkInvitations.filter((i) => i.id !== id);
  }
  async previewInvitation(token: string): Promise<InvitationPreview> {
    if (!token.startsWith('inv_fake')) throw new ApiError('gone', 410, 'This invitation link is unknown, was used already or was withdrawn');
    return { email: 'new@example.com', role: 'streamer', channel: null, expiresAt: '2026-01-04T00:00:00.000Z' };
  }
  async acceptInvitation(token: string, displayName: string, _password: string, locale?: string): Promise<void> {
    this.peopleCalls.push(`accept ${token} ${displayName}${locale ? ` ${locale}` : ''}`);
  }
  async changePassword(): Promise<void> {
    this.peopleCalls.push('changePassword');
  }
  async resetPassword(token: string): Promise<void> {
    this.peopleCalls.push(`reset ${token}`);
  }
}
