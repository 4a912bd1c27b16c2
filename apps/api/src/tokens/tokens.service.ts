import { Injectable } from '@nestjs/common';
import type { ApiToken as ApiTokenDto, CreateApiToken, CreatedApiToken } from '@onda/contracts';
import type { Principal } from '../auth/auth.context.js';
import { randomSecret, sha256Hex } from '../common/token-crypto.js';
import { AppError } from '../common/app-error.js';
import { TokensRepository, type TokenRecord } from './tokens.repository.js';

/** API tokens of the caller's account: created with a subset of the caller's own scopes, shown once, revocable. */
@Injectable()
export class TokensService {
  constructor(private readonly repo: TokensRepository) {}

  async create(principal: Principal, body: CreateApiToken): Promise<CreatedApiToken> {
    const own = principal.scopes;
    // A token can never mint a token stronger than itself.
    const escalating = body.scopes.filter((s) => !own.includes('*') && !own.includes(s));
    if (escalating.length) throw new AppError('forbidden', `Cannot grant scopes this credential lacks: ${escalating.join(', ')}`);
    let expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) throw new AppError('validation_failed', 'expiresAt: must be in the future', [{ path: 'expiresAt', message: 'must be in the future' }]);
    // Finding 12: a token minted by a token ends no later than its parent and is revoked with it.
    const parent = principal.via === 'token' ? principal : null;
    if (parent?.expiresAt && (!expiresAt || expiresAt > parent.expiresAt)) expiresAt = parent.expiresAt;
    const token = randomSecret('onda_');
    const row = await this.repo.create({ userId: principal.user.id, name: body.name, tokenHash: sha256Hex(token), prefix: token.slice(0, 8), scopes: [...new Set(body.scopes)], expiresAt, parentId: parent?.id ?? null });
    return { ...toDto(row), token };
  }

  async list(principal: Principal): Promise<{ items: ApiTokenDto[] }> {
    return this.listOf(principal.user.id);
  }

  async revoke(principal: Principal, id: string): Promise<ApiTokenDto> {
    return this.revokeOf(principal.user.id, id);
  }

  /** Tokens of account `userId`; the caller has checked it may see that account (people). */
  async listOf(userId: string): Promise<{ items: ApiTokenDto[] }> {
    return { items: (await this.repo.list(userId)).map(toDto) };
  }

  async revokeOf(userId: string, id: string): Promise<ApiTokenDto> {
    const token = await this.repo.find(userId, id);
    if (!token) throw new AppError('not_found', `No API token ${id}`);
    return toDto(token.revokedAt ? token : await this.repo.revoke(id));
  }
}

const toDto = (t: TokenRecord): ApiTokenDto => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});
