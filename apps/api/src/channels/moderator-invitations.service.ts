import { Injectable } from '@nestjs/common';
import type { ModeratorInvitation, ModeratorInvited, ModeratorList } from '@onda/contracts';
import type { Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { ChannelsService } from './channels.service.js';
import { ModeratorInvitationsRepository } from './moderator-invitations.repository.js';

/**
 * Moderators by consent (security issue #12, finding 15). The owner invites an email and always gets the same answer,
 * so inviting tells nothing about who has an account; the invited account moderates only after it accepts (it may
 * decline), and sees its invitations through the API and the console.
 */
@Injectable()
export class ModeratorInvitationsService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly repo: ModeratorInvitationsRepository,
  ) {}

  async list(principal: Principal, idOrSlug: string): Promise<ModeratorList> {
    const { id, items } = await this.channels.moderators(principal, idOrSlug);
    const pending = await this.repo.pendingOf(id);
    return { items, invitations: pending.map((p) => ({ id: p.id, email: p.email, createdAt: p.createdAt.toISOString() })) };
  }

  async invite(principal: Principal, idOrSlug: string, email: string): Promise<ModeratorInvited> {
    const channel = await this.channels.owned(principal, idOrSlug);
    // An existing moderator is not invited again; the answer stays the same.
    const moderators = await this.channels.moderators(principal, channel.id);
    if (!moderators.items.some((m) => m.email === email)) await this.repo.invite(channel.id, email);
    return { email, status: 'invited' };
  }

  async revoke(principal: Principal, idOrSlug: string, invitationId: string): Promise<void> {
    const channel = await this.channels.owned(principal, idOrSlug);
    if (!(await this.repo.revoke(channel.id, invitationId))) throw new AppError('not_found', 'No such invitation on this channel');
  }

  async mine(principal: Principal): Promise<{ items: ModeratorInvitation[] }> {
    const rows = await this.repo.addressedTo(principal.user.email);
    return { items: rows.map((r) => ({ id: r.id, channel: r.channel, createdAt: r.createdAt.toISOString() })) };
  }

  async accept(principal: Principal, id: string): Promise<void> {
    if (!(await this.repo.accept(id, principal.user.email, principal.user.id))) throw new AppError('not_found', 'No such invitation for you');
  }

  async decline(principal: Principal, id: string): Promise<void> {
    if (!(await this.repo.decline(id, principal.user.email))) throw new AppError('not_found', 'No such invitation for you');
  }
}
