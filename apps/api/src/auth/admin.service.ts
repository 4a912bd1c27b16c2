import type { PrismaClient } from '@onda/db';
import { hashPassword } from './password.js';
import { randomSecret, sha256Hex } from './token-crypto.js';

/**
 * Creates (or promotes) an admin and an API token for them. Used by the `create-admin` command; the
 * token is shown once and only its digest is stored. With `password` the admin can also sign in to
 * the console; without it an existing password is kept (there is never a default one).
 */
export async function createAdminWithToken(prisma: PrismaClient, email: string, displayName?: string, password?: string): Promise<{ userId: string; token: string }> {
  if (password !== undefined && password.length < 12) throw new Error('The admin password must have at least 12 characters');
  const normalized = email.trim().toLowerCase();
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const user = await prisma.user.upsert({
    where: { email: normalized },
    update: { role: 'admin', ...(passwordHash ? { passwordHash } : {}) },
    create: { email: normalized, displayName: displayName ?? normalized.split('@')[0] ?? normalized, role: 'admin', passwordHash: passwordHash ?? null },
  });
  const token = randomSecret('onda_');
  await prisma.apiToken.create({
    data: { userId: user.id, name: 'create-admin', tokenHash: sha256Hex(token), prefix: token.slice(0, 8), scopes: ['*'] },
  });
  return { userId: user.id, token };
}
