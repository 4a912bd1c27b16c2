import { Inject, Injectable } from '@nestjs/common';
import type { AcceptInvitation, CreatedInvitation, CreateInvitation, Invitation, InvitationPreview, PersonRole } from '@onda/contracts';
import type { Principal } from '../auth/auth.context.js';
import { AuthService } from '../auth/auth.service.js';
import { hashPassword } from '../auth/password.js';
import { AppError } from '../common/app-error.js';
import { UniqueViolation } from '../common/unique-violation.js';
import { ChannelsService } from '../channels/channels.service.js';
import { ModeratorInvitationsRepository, type LinkInvitation } from '../channels/moderator-invitations.repository.js';
import { ConsoleLinks } from './console-links.js';
import { isOperator } from './people.service.js';
import { invitationMail } from './mail-messages.js';
import { MAILER, type Mailer } from './mailer.js';
import { PeopleRepository } from './people.repository.js';

const DEFAULT_TTL_HOURS = 72;

const dto = (row: LinkInvitation): Invitation => ({
  id: row.id,
  email: row.email,
  role: row.role as PersonRole,
  channel: row.channel,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  expired: row.expiresAt <= new Date(),
});

/**
 * Invitations by single-use, expiring link (issue 14), stored in the same table as the owner-to-moderator invitations
 * of finding 15 (ModeratorInvitationsRepository). An operator invites anyone as operator, streamer or moderator of any
 * channel; a streamer may invite moderators of its own channels. The link is shown once to the inviter (only its
 * digest is stored); whoever opens it chooses a display name and a password, which creates the account. A used,
 * revoked or expired link answers 410.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly repo: ModeratorInvitationsRepository,
    private readonly people: PeopleRepository,
    private readonly channels: ChannelsService,
    private readonly auth: AuthService,
    private readonly links: ConsoleLinks,
    @Inject(MAILER) private readonly mailer: Mailer,
  ) {}

  async create(principal: Principal, body: CreateInvitation): Promise<CreatedInvitation> {
    let channelId: string | null = null;
    if (!isOperator(principal)) {
      // A streamer hands out moderation of what it owns, nothing more (no path to operator or streamer).
      if (body.role !== 'moderator') throw new AppError('forbidden', 'Only an operator invites operators and streamers');
      channelId = (await this.channels.owned(principal, body.channel!)).id;
    } else if (body.role === 'moderator') {
      const channel = await this.channels.ref(body.channel!);
      if (!channel) throw new AppError('unprocessable', `channel: no channel "${body.channel}"`);
      channelId = channel.id;
    }
    if (await this.people.emailTaken(body.email)) {
      // Telling an operator is fine (it sees every account); a streamer is told nothing it could not learn by inviting.
      throw new AppError('conflict', isOperator(principal) ? `${body.email} has an account already; change its role instead` : 'That email cannot be invited by link; invite it from the channel\'s moderators instead');
    }
    const { token, digest, url } = this.links.issue('inv_', 'accept');
    const expiresAt = new Date(Date.now() + (body.expiresInHours ?? DEFAULT_TTL_HOURS) * 3600_000);
    const row = await this.repo.createLink(
      { email: body.email, role: body.role, channelId, tokenHash: digest, expiresAt, invitedById: principal.user.id },
      { actor: principal.user, target: null, action: 'invitation.created', detail: { email: body.email, role: body.role, channelId, expiresAt: expiresAt.toISOString() } },
    );
    // With SMTP settings the link is mailed too (in the invitee's language if the inviter gave it); shown once either way.
    const mail = await this.mailer.send(invitationMail({ to: body.email, locale: body.locale, url, role: body.role, channel: row.channel?.title ?? null, inviter: principal.user.displayName, expiresAt }));
    return { ...dto(row), token, url, mail };
  }

  /** Pending link invitations: every one for an operator, the caller's own for a streamer. */
  async list(principal: Principal): Promise<{ items: Invitation[] }> {
    const rows = await this.repo.links();
    return { items: rows.filter((r) => isOperator(principal) || r.invitedById === principal.user.id).map(dto) };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    const row = (await this.repo.links()).find((r) => r.id === id && (isOperator(principal) || r.invitedById === principal.user.id));
    if (!row || !(await this.repo.revokeLink(id, { actor: principal.user, target: null, action: 'invitation.revoked' }))) throw new AppError('not_found', `No invitation ${id}`);
  }

  /** Public, for the accept page: whom the link invites, as what. Rate-limited like sign-in. */
  async preview(token: string, address: string): Promise<InvitationPreview> {
    const row = await this.usable(token, address);
    return { email: row.email, role: row.role as PersonRole, channel: row.channel ? { slug: row.channel.slug, title: row.channel.title } : null, expiresAt: row.expiresAt.toISOString() };
  }

  /** Public: creates the account the link invites and signs it in; the link never works again. */
  async accept(body: AcceptInvitation, address: string): Promise<{ cookie: string; expiresAt: Date }> {
    const row = await this.usable(body.token, address);
    const role = row.role as PersonRole;
    const account = {
      email: row.email, displayName: body.displayName, passwordHash: await hashPassword(body.password), role: role === 'moderator' ? ('moderator' as const) : ('streamer' as const), operator: role === 'operator',
      // The language the invitee accepted in: later mail (a reset link) is written in it.
      ...(body.locale ? { locale: body.locale } : {}),
    };
    const created = await this.repo.acceptLink(row.id, account, row.channelId, row.invitedById).catch((e: unknown) => {
      if (e instanceof UniqueViolation) return 'taken' as const;
      throw e;
    });
    if (created === 'taken') throw new AppError('conflict', 'An account with this email exists already; sign in instead');
    if (!created) throw new AppError('gone', 'This invitation was used already');
    return this.auth.openSession(created);
  }

  private async usable(token: string, address: string): Promise<LinkInvitation> {
    const row = await this.repo.byToken(await this.links.redeem(token, address));
    if (!row) throw new AppError('gone', 'This invitation link is unknown, was used already or was withdrawn');
    if (row.expiresAt <= new Date()) throw new AppError('gone', 'This invitation has expired; ask for a new one');
    return row;
  }
}
