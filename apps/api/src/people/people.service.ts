import { Inject, Injectable } from '@nestjs/common';
import { MailLocaleSchema, type AccountAuditEntry, type ApiToken as ApiTokenDto, type ChangePassword, type ConsoleSessionInfo, type Person, type ResetLink, type ResetPassword, type UpdatePerson } from '@onda/contracts';
import { isOperator, isOperatorUser, type Principal } from '../auth/auth.context.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { AppError } from '../common/app-error.js';
import { ChatGateway } from '../chat/transport/chat.gateway.js';
import { LiveService } from '../live/live.service.js';
import { TokensService } from '../tokens/tokens.service.js';
import { ConsoleLinks } from './console-links.js';
import { resetMail } from './mail-messages.js';
import { MAILER, type Mailer } from './mailer.js';
import { PeopleRepository, type AuditRow, type PersonRow } from './people.repository.js';

export const RESET_TTL_MS = 24 * 3600 * 1000;

export { isOperator } from '../auth/auth.context.js';

export const personDto = (u: PersonRow): Person => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: isOperatorUser(u) ? 'operator' : u.role === 'admin' ? 'streamer' : u.role,
  disabled: u.disabledAt !== null,
  disabledAt: u.disabledAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
  locale: MailLocaleSchema.safeParse(u.locale).data ?? null,
  channels: u.channels,
});

const auditDto = (a: AuditRow): AccountAuditEntry => ({
  id: a.id,
  at: a.createdAt.toISOString(),
  action: a.action,
  actor: { id: a.actorId, email: a.actorEmail },
  target: { id: a.targetId, email: a.targetEmail },
  detail: (a.detail ?? {}) as Record<string, unknown>,
});

/**
 * Accounts (issue 14). Every account sees and changes only itself; an operator sees and manages every account. Another
 * account is a 404 to a non-operator (its existence is none of their business); operator-only actions are a 403.
 * Every change is written to the account audit log in the same transaction.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly repo: PeopleRepository,
    private readonly auth: AuthRepository,
    private readonly tokens: TokensService,
    private readonly live: LiveService,
    private readonly chat: ChatGateway,
    private readonly links: ConsoleLinks,
    @Inject(MAILER) private readonly mailer: Mailer,
  ) {}

  async list(principal: Principal): Promise<{ items: Person[] }> {
    if (!isOperator(principal)) return { items: [personDto(await this.visible(principal, principal.user.id))] };
    return { items: (await this.repo.list()).map(personDto) };
  }

  async get(principal: Principal, id: string): Promise<Person> {
    return personDto(await this.visible(principal, id));
  }

  async update(principal: Principal, id: string, body: UpdatePerson): Promise<Person> {
    const target = await this.visible(principal, id);
    const data: { displayName?: string; role?: 'streamer' | 'moderator'; operator?: boolean; locale?: string } = {};
    if (body.displayName !== undefined) data.displayName = body.displayName;
    if (body.locale !== undefined && body.locale !== target.locale) data.locale = body.locale;
    if (body.role !== undefined && body.role !== personDto(target).role) {
      // Roles are an operator's to give; nobody changes their own (so the last operator cannot demote itself).
      this.requireOperator(principal, 'Only an operator changes roles');
      if (target.id === principal.user.id) throw new AppError('forbidden', 'You cannot change your own role');
      data.role = body.role === 'moderator' ? 'moderator' : 'streamer';
      data.operator = body.role === 'operator';
      if (body.role === 'moderator' && target.channels.length > 0) throw new AppError('conflict', `${target.email} owns ${target.channels.length} channel(s); a moderator owns none`);
    }
    if (Object.keys(data).length === 0) return personDto(target);
    await this.repo.update(id, data, { actor: principal.user, target, action: 'user.updated', detail: { ...body, before: { displayName: target.displayName, role: personDto(target).role } } });
    return this.get(principal, id);
  }

  async setDisabled(principal: Principal, id: string, disabled: boolean): Promise<Person> {
    this.requireOperator(principal, 'Only an operator disables or enables accounts');
    const target = await this.visible(principal, id);
    if (target.id === principal.user.id) throw new AppError('forbidden', 'You cannot disable your own account');
    if (disabled === (target.disabledAt !== null)) return personDto(target);
    await this.repo.update(id, { disabledAt: disabled ? new Date() : null }, { actor: principal.user, target, action: disabled ? 'user.disabled' : 'user.enabled' });
    if (disabled) await this.cutOff(id, 'account disabled');
    return this.get(principal, id);
  }

  /**
   * Deletes an account. One that owns channels is refused (409) unless `transferTo` names an enabled streamer or
   * operator: its channels, with their VODs, recordings, chat and statistics, then belong to that account. Nothing of
   * a channel is ever deleted with its owner.
   */
  async remove(principal: Principal, id: string, transferTo?: string): Promise<void> {
    this.requireOperator(principal, 'Only an operator deletes accounts');
    const target = await this.visible(principal, id);
    if (target.id === principal.user.id) throw new AppError('forbidden', 'You cannot delete your own account');
    if (transferTo) {
      const heir = await this.repo.find(transferTo);
      if (!heir || heir.id === target.id) throw new AppError('unprocessable', 'transferTo: no such other account');
      if (heir.disabledAt || heir.role === 'moderator' || heir.role === 'viewer') throw new AppError('unprocessable', 'transferTo: channels go only to an enabled streamer or operator');
    } else if (target.channels.length > 0) {
      throw new AppError('conflict', `${target.email} owns ${target.channels.length} channel(s); transfer them first (?transferTo=<user id>) or delete the channels`);
    }
    // A broadcast of a channel about to change hands ends first: it was the old owner's, with the old owner's key.
    await this.cutOff(id, 'account deleted');
    await this.repo.delete(id, transferTo ?? null, { actor: principal.user, target, action: 'user.deleted', detail: { transferTo: transferTo ?? null, channels: target.channels.map((c) => c.slug) } });
    this.chat.disconnectAccount(id);
  }

  /**
   * What a disabled or deleted account still had open, stopped at once: its chat sockets on every API node, and the
   * broadcasts of its channels (the ingest drops their publishers on its next poll; the key then publishes nothing).
   * Tokens and console sessions need nothing here: they are refused on their next use.
   */
  private async cutOff(id: string, reason: string): Promise<void> {
    this.chat.disconnectAccount(id);
    await this.live.endAllOf(id, reason);
  }

  /** Own password: needs the current one; every other session of the account is signed out. */
  async changePassword(principal: Principal, body: ChangePassword): Promise<void> {
    const stored = await this.repo.passwordHashOf(principal.user.id);
    if (!stored || !(await verifyPassword(body.currentPassword, stored))) throw new AppError('forbidden', 'The current password is wrong');
    const keep = principal.via === 'session' ? principal.id : null;
    await this.repo.setPassword(principal.user.id, await hashPassword(body.newPassword), keep, { actor: principal.user, target: principal.user, action: 'user.password_changed' });
  }

  /**
   * A single-use link (24 h) with which the account chooses a new password; issuing another voids the previous one.
   * With SMTP settings it is also mailed to the account (in its language if known); the answer carries it either way.
   */
  async issueReset(principal: Principal, id: string): Promise<ResetLink> {
    this.requireOperator(principal, 'Only an operator issues password reset links');
    const target = await this.visible(principal, id);
    if (target.disabledAt) throw new AppError('conflict', 'Enable the account before resetting its password');
    const { digest, url } = this.links.issue('rst_', 'reset');
    const expiresAt = new Date(Date.now() + RESET_TTL_MS);
    await this.repo.issueReset(id, digest, expiresAt, { actor: principal.user, target, action: 'user.password_reset_issued', detail: { expiresAt: expiresAt.toISOString() } });
    const mail = await this.mailer.send(resetMail({ to: target.email, locale: personDto(target).locale, url, expiresAt }));
    return { url, expiresAt: expiresAt.toISOString(), mail };
  }

  /** Public: uses a reset link once (rate-limited per address); signs the account out everywhere. */
  async resetPassword(body: ResetPassword, address: string): Promise<void> {
    const result = await this.repo.consumeReset(await this.links.redeem(body.token, address), await hashPassword(body.password));
    if (result === 'expired') throw new AppError('gone', 'This reset link has expired; ask an operator for a new one');
    if (!result) throw new AppError('gone', 'This reset link is unknown or was used already');
  }

  async sessions(principal: Principal, id: string): Promise<{ items: ConsoleSessionInfo[] }> {
    await this.visible(principal, id);
    const rows = await this.auth.listSessions(id);
    return { items: rows.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), expiresAt: s.expiresAt.toISOString(), current: principal.via === 'session' && principal.id === s.id })) };
  }

  async revokeSession(principal: Principal, id: string, sessionId: string): Promise<void> {
    const target = await this.visible(principal, id);
    if (!(await this.auth.deleteSessionById(id, sessionId))) throw new AppError('not_found', 'No such session of this account');
    await this.repo.record({ actor: principal.user, target, action: 'session.revoked', detail: { sessionId } });
  }

  async tokenList(principal: Principal, id: string): Promise<{ items: ApiTokenDto[] }> {
    await this.visible(principal, id);
    return this.tokens.listOf(id);
  }

  async revokeToken(principal: Principal, id: string, tokenId: string): Promise<ApiTokenDto> {
    const target = await this.visible(principal, id);
    const token = await this.tokens.revokeOf(id, tokenId);
    await this.repo.record({ actor: principal.user, target, action: 'token.revoked', detail: { tokenId, prefix: token.prefix } });
    return token;
  }

  async auditLog(principal: Principal, q: { user?: string; before?: string; limit?: number }): Promise<{ items: AccountAuditEntry[] }> {
    this.requireOperator(principal, 'Only operators read the account audit log');
    const rows = await this.repo.auditLog({ targetId: q.user, limit: q.limit ?? 100, before: q.before ? new Date(q.before) : undefined });
    return { items: rows.map(auditDto) };
  }

  /** The account if the caller may see it (itself, or anyone for an operator); otherwise 404. */
  private async visible(principal: Principal, id: string): Promise<PersonRow> {
    const row = id === principal.user.id || isOperator(principal) ? await this.repo.find(id) : null;
    if (!row) throw new AppError('not_found', `No account ${id}`);
    return row;
  }

  private requireOperator(principal: Principal, why: string): void {
    if (!isOperator(principal)) throw new AppError('forbidden', why);
  }
}
