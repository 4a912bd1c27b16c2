import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  AcceptInvitationSchema, CreatedInvitationSchema, CreateInvitationSchema, InvitationPreviewSchema, InvitationSchema, InvitationTokenSchema,
  type AcceptInvitation, type CreatedInvitation, type CreateInvitation, type Invitation, type InvitationPreview,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, SESSION_COOKIE, type AuthedRequest, type Principal } from '../auth/auth.context.js';
import { AuthService, SESSION_TTL_MS } from '../auth/auth.service.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { InvitationsService } from './invitations.service.js';

const gone = problemResponse(410, 'The link is unknown, used, withdrawn or expired');
const limited = problemResponse(429, 'Too many attempts from this address; see Retry-After');

/** Invitations by single-use link (issue 14): operators invite anyone, streamers invite moderators of their channels. */
@ApiTags('users')
@Controller('v1/invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly auth: AuthService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('users:write')
  @ApiOperation({
    summary: 'Invite a person by link',
    description: 'Operators: role operator, streamer or moderator (of any channel). Streamers: moderator of a channel they own. The answer has the link (`url`), shown once; it works once, until `expiresAt` (default 72 h).',
  })
  @ApiBody({ schema: jsonSchema(CreateInvitationSchema) })
  @ApiResponse({ status: 201, description: 'The invitation and its link', schema: jsonSchema(CreatedInvitationSchema) })
  @ApiResponse(problemResponse(403, 'A streamer may invite only moderators of its own channels'))
  @ApiResponse(problemResponse(409, 'That email has an account already'))
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateInvitationSchema)) body: CreateInvitation): Promise<CreatedInvitation> {
    return this.invitations.create(principal, body);
  }

  @Get()
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'Pending link invitations', description: 'All of them for an operator; the ones the caller made otherwise. Links are never shown again.' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(InvitationSchema) })) })
  list(@CurrentPrincipal() principal: Principal): Promise<{ items: Invitation[] }> {
    return this.invitations.list(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Withdraw an invitation', description: 'Its link stops working at once.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Withdrawn' })
  @ApiResponse(problemResponse(404, 'Unknown invitation, or not the caller\'s'))
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.invitations.revoke(principal, id);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'What an invitation link offers (public)', description: 'For the accept page. The token travels in the body, never in a URL the server logs.' })
  @ApiBody({ schema: jsonSchema(InvitationTokenSchema) })
  @ApiOkResponse({ schema: jsonSchema(InvitationPreviewSchema) })
  @ApiResponse(gone)
  @ApiResponse(limited)
  preview(@Body(new ZodPipe(InvitationTokenSchema)) body: { token: string }, @Req() req: AuthedRequest): Promise<InvitationPreview> {
    return this.invitations.preview(body.token, req.ip ?? 'unknown');
  }

  @Post('accept')
  @HttpCode(201)
  @ApiOperation({ summary: 'Accept an invitation (public)', description: 'Creates the account with the chosen display name and password (at least 12 characters) and signs it in (session cookie). The link never works again.' })
  @ApiBody({ schema: jsonSchema(AcceptInvitationSchema) })
  @ApiResponse({ status: 201, description: 'Account created and signed in', schema: jsonSchema(z.object({ expiresAt: z.string() })) })
  @ApiResponse(problemResponse(409, 'An account with this email exists already'))
  @ApiResponse(gone)
  @ApiResponse(limited)
  async accept(@Body(new ZodPipe(AcceptInvitationSchema)) body: AcceptInvitation, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<{ expiresAt: string }> {
    const session = await this.invitations.accept(body, req.ip ?? 'unknown');
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${session.cookie}; ${this.auth.cookieFlags(SESSION_TTL_MS / 1000)}`);
    return { expiresAt: session.expiresAt.toISOString() };
  }
}
