import { assertPasswordPolicy } from '@onda/contracts';
import { AdminRepository } from './admin.repository.js';
import { hashPassword } from './password.js';
import { randomSecret, sha256Hex } from '../common/token-crypto.js';

/** The database client `create-admin` is handed (the composition root's, or a test's). */
export type AdminDatabase = ConstructorParameters<typeof AdminRepository>[0];

/**
 * Creates (or promotes) a streamer and an API token for them. Used by the `create-admin` command; the
 * token is shown once and only its digest is stored. With `password` the admin can also sign in to
 * the console; without it an existing password is kept (there is never a default one).
 * A streamer is a tenant: it reaches its own channels and the ones it moderates. Only `operator: true`
 * makes an operator, who also manages every account and moderates every channel's chat (audited); leaving
 * it out never demotes an existing operator.
 */
export async function createAdminWithToken(
  db: AdminDatabase,
  email: string,
  displayName?: string,
  password?: string,
  opts: { operator?: boolean } = {},
): Promise<{ userId: string; token: string; operator: boolean }> {
  if (password !== undefined) assertPasswordPolicy(password, 'The admin password');
  const repo = new AdminRepository(db);
  const normalized = email.trim().toLowerCase();
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const user = await repo.upsertStreamer({
    email: normalized,
    displayName: displayName ?? normalized.split('@')[0] ?? normalized,
    ...(passwordHash ? { passwordHash } : {}),
    operator: opts.operator === true,
  });
  const token = randomSecret('onda_');
  await repo.createToken({ userId: user.id, name: 'create-admin', tokenHash: sha256Hex(token), prefix: token.slice(0, 8), scopes: ['*'] });
  return { userId: user.id, token, operator: user.operator };
}
