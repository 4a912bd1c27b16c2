import { Body, Controller, Delete, Get, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiTokenSchema, CreateApiTokenSchema, CreatedApiTokenSchema, type ApiToken, type CreateApiToken, type CreatedApiToken } from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { IdempotencyInterceptor, IDEMPOTENCY_HEADER } from '../common/idempotency.interceptor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { TokensService } from './tokens.service.js';

@ApiTags('tokens')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @RequireScopes('tokens:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create an API token', description: 'The token is in this response only; store it now. Scopes cannot exceed the caller\'s.' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ schema: jsonSchema(CreateApiTokenSchema) })
  @ApiResponse({ status: 201, description: 'The token, shown once', schema: jsonSchema(CreatedApiTokenSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateApiTokenSchema)) body: CreateApiToken): Promise<CreatedApiToken> {
    return this.tokens.create(principal, body);
  }

  @Get()
  @RequireScopes('tokens:write')
  @ApiOperation({ summary: "List the account's API tokens", description: 'Prefixes only, never the tokens.' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(ApiTokenSchema) })) })
  list(@CurrentPrincipal() principal: Principal): Promise<{ items: ApiToken[] }> {
    return this.tokens.list(principal);
  }

  @Delete(':id')
  @RequireScopes('tokens:write')
  @ApiOperation({ summary: 'Revoke an API token', description: 'Takes effect at once.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(ApiTokenSchema) })
  @ApiResponse(problemResponse(404, 'Unknown token'))
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<ApiToken> {
    return this.tokens.revoke(principal, id);
  }
}
