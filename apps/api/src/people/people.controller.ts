import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AccountAuditEntrySchema, ApiTokenSchema, ChangePasswordSchema, ConsoleSessionSchema, DeletePersonQuerySchema, PersonSchema, ResetLinkSchema, ResetPasswordSchema, UpdatePersonSchema,
  type AccountAuditEntry, type ApiToken, type ChangePassword, type ConsoleSessionInfo, type Person, type ResetLink, type ResetPassword, type UpdatePerson,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type AuthedRequest, type Principal } from '../auth/auth.context.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { PeopleService } from './people.service.js';

const AuditQuerySchema = z.object({ user: z.string().uuid().optional(), before: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict();
const unknown = problemResponse(404, 'Unknown account, or not one the caller may see');
const operatorOnly = problemResponse(403, 'Operators only');
const items = <T extends z.ZodTypeAny>(schema: T) => jsonSchema(z.object({ items: z.array(schema) }));

/**
 * Accounts (issue 14): every account reads and changes itself; operators read and manage every account. All changes
 * are in the account audit log (GET /v1/users/audit).
 */
@ApiTags('users')
@Controller('v1/users')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'List accounts', description: 'Every account for an operator; only the caller\'s own for anyone else.' })
  @ApiOkResponse({ schema: items(PersonSchema) })
  list(@CurrentPrincipal() principal: Principal): Promise<{ items: Person[] }> {
    return this.people.list(principal);
  }

  @Get('audit')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'Account audit log (operators)', description: 'Every change to accounts and invitations: who, what, when; newest first.' })
  @ApiQuery({ name: 'user', required: false, description: 'Only entries about this account id' })
  @ApiQuery({ name: 'before', required: false, description: 'ISO time: entries older than this (paging)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ schema: items(AccountAuditEntrySchema) })
  @ApiResponse(operatorOnly)
  audit(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(AuditQuerySchema)) q: z.infer<typeof AuditQuerySchema>): Promise<{ items: AccountAuditEntry[] }> {
    return this.people.auditLog(principal, q);
  }

  @Post('me/password')
  @HttpCode(204)
  @RequireScopes()
  @ApiOperation({ summary: 'Change my password', description: 'Needs the current password; signs out every other console session of the account.' })
  @ApiBody({ schema: jsonSchema(ChangePasswordSchema) })
  @ApiResponse({ status: 204, description: 'Changed' })
  @ApiResponse(problemResponse(403, 'The current password is wrong'))
  changePassword(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(ChangePasswordSchema)) body: ChangePassword): Promise<void> {
    return this.people.changePassword(principal, body);
  }

  @Post('password-reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Choose a new password with a reset link', description: 'Public; the link (from an operator) works once, for 24 h. Signs the account out everywhere. Rate-limited per address.' })
  @ApiBody({ schema: jsonSchema(ResetPasswordSchema) })
  @ApiResponse({ status: 204, description: 'Password set; sign in with it' })
  @ApiResponse(problemResponse(410, 'The link is unknown, used or expired'))
  @ApiResponse(problemResponse(429, 'Too many attempts from this address'))
  resetPassword(@Body(new ZodPipe(ResetPasswordSchema)) body: ResetPassword, @Req() req: AuthedRequest): Promise<void> {
    return this.people.resetPassword(body, req.ip ?? 'unknown');
  }

  @Get(':id')
  @RequireScopes('users:read')
  @ApiOperation({ summary: 'One account, with the channels it owns' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(PersonSchema) })
  @ApiResponse(unknown)
  get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<Person> {
    return this.people.get(principal, id);
  }

  @Patch(':id')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Rename an account, or (operators) change its role', description: 'Nobody changes their own role; a moderator owns no channels.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: jsonSchema(UpdatePersonSchema) })
  @ApiOkResponse({ schema: jsonSchema(PersonSchema) })
  @ApiResponse(unknown)
  @ApiResponse(problemResponse(409, 'The account owns channels (cannot become a moderator)'))
  update(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Body(new ZodPipe(UpdatePersonSchema)) body: UpdatePerson): Promise<Person> {
    return this.people.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({
    summary: 'Delete an account (operators)',
    description: 'Refused (409) while it owns channels, unless `transferTo` names an enabled streamer or operator: its channels, with their VODs, recordings and chat, then belong to that account. Its tokens, sessions, webhooks and moderator assignments are deleted.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'transferTo', required: false, description: 'Account id that receives the channels' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(unknown)
  @ApiResponse(problemResponse(409, 'The account owns channels and no transferTo was given'))
  remove(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(DeletePersonQuerySchema)) q: { transferTo?: string }): Promise<void> {
    return this.people.remove(principal, id, q.transferTo);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Disable an account (operators)', description: 'At once: its console sessions end, its API tokens are refused, sign-in is refused. Its channels stay.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(PersonSchema) })
  @ApiResponse(unknown)
  @ApiResponse(operatorOnly)
  disable(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<Person> {
    return this.people.setDisabled(principal, id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Enable a disabled account (operators)', description: 'Its unrevoked API tokens work again; it signs in anew.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(PersonSchema) })
  @ApiResponse(unknown)
  @ApiResponse(operatorOnly)
  enable(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<Person> {
    return this.people.setDisabled(principal, id, false);
  }

  @Post(':id/password-reset')
  @HttpCode(201)
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Issue a password reset link (operators)', description: 'Single use, 24 h; shown once. A newer link voids the older one.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 201, description: 'The link', schema: jsonSchema(ResetLinkSchema) })
  @ApiResponse(unknown)
  @ApiResponse(operatorOnly)
  issueReset(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ResetLink> {
    return this.people.issueReset(principal, id);
  }

  @Get(':id/sessions')
  @RequireScopes('users:read')
  @ApiOperation({ summary: "The account's console sessions" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: items(ConsoleSessionSchema) })
  @ApiResponse(unknown)
  sessions(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<{ items: ConsoleSessionInfo[] }> {
    return this.people.sessions(principal, id);
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Sign a console session out' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'sessionId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiResponse(unknown)
  revokeSession(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Param('sessionId', uuidParam('sessionId')) sessionId: string): Promise<void> {
    return this.people.revokeSession(principal, id, sessionId);
  }

  @Get(':id/tokens')
  @RequireScopes('users:read')
  @ApiOperation({ summary: "The account's API tokens", description: 'Prefixes only, never the tokens.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: items(ApiTokenSchema) })
  @ApiResponse(unknown)
  tokens(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<{ items: ApiToken[] }> {
    return this.people.tokenList(principal, id);
  }

  @Delete(':id/tokens/:tokenId')
  @RequireScopes('users:write')
  @ApiOperation({ summary: 'Revoke an API token of the account', description: 'Takes effect at once, with every token minted from it.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'tokenId', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(ApiTokenSchema) })
  @ApiResponse(unknown)
  revokeToken(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Param('tokenId', uuidParam('tokenId')) tokenId: string): Promise<ApiToken> {
    return this.people.revokeToken(principal, id, tokenId);
  }
}
