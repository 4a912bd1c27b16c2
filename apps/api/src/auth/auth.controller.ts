import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { MeSchema, SetupSchema, SignInSchema, type Me, type Setup, type SignIn } from '@onda/contracts';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { CurrentPrincipal, RequireScopes, SESSION_COOKIE, type AuthedRequest, type Principal } from './auth.context.js';
import { cookie } from './auth.guard.js';
import { AuthService, SESSION_TTL_MS } from './auth.service.js';

const SignedInSchema = z.object({ expiresAt: z.string() });

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('sign-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in to the console', description: 'Sets an httpOnly, SameSite=Lax session cookie (`onda_session`) valid for 7 days.' })
  @ApiBody({ schema: jsonSchema(SignInSchema) })
  @ApiOkResponse({ schema: jsonSchema(SignedInSchema) })
  @ApiResponse(problemResponse(401, 'Wrong email or password'))
  @ApiResponse(problemResponse(403, 'Viewers cannot use the console'))
  @ApiResponse(problemResponse(429, 'Too many attempts for this account or from this address; see Retry-After'))
  async signIn(@Body(new ZodPipe(SignInSchema)) body: SignIn, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<{ expiresAt: string }> {
    const session = await this.auth.signIn(body, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${session.cookie}; ${this.auth.cookieFlags(SESSION_TTL_MS / 1000)}`);
    return { expiresAt: session.expiresAt.toISOString() };
  }

  @Post('sign-out')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out of the console', description: 'Deletes the session and clears the cookie.' })
  @ApiResponse({ status: 204, description: 'Signed out' })
  async signOut(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.signOut(cookie(req, SESSION_COOKIE));
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; ${this.auth.cookieFlags(0)}`);
  }

  @Get('me')
  @RequireScopes()
  @ApiOperation({ summary: 'Who am I', description: 'The user behind the token or session, with its scopes.' })
  @ApiOkResponse({ schema: jsonSchema(MeSchema) })
  me(@CurrentPrincipal() principal: Principal): Me {
    return this.auth.me(principal);
  }

  @Get('setup')
  @ApiOperation({ summary: 'Whether first-run setup is open', description: 'True until the first admin exists.' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ needed: z.boolean() })) })
  async setupNeeded(): Promise<{ needed: boolean }> {
    return { needed: await this.auth.setupNeeded() };
  }

  @Post('setup')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create the first admin', description: 'Only while the server has no admin; signs the new admin in.' })
  @ApiBody({ schema: jsonSchema(SetupSchema) })
  @ApiResponse({ status: 201, description: 'Admin created and signed in', schema: jsonSchema(SignedInSchema) })
  @ApiResponse(problemResponse(409, 'An admin exists already'))
  async setup(@Body(new ZodPipe(SetupSchema)) body: Setup, @Res({ passthrough: true }) res: Response): Promise<{ expiresAt: string }> {
    const session = await this.auth.setup(body);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${session.cookie}; ${this.auth.cookieFlags(SESSION_TTL_MS / 1000)}`);
    return { expiresAt: session.expiresAt.toISOString() };
  }
}
