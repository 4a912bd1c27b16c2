import type { PrismaClient } from '@onda/db';
import { randomSecret, sha256Hex } from './token-crypto.js';

/**
 * Creates an admin and an API token for them. Used by the `create-admin` command; the token is shown
 * once and only its digest is stored.
 */
export async function createAdminWithToken(prisma: PrismaClient, email: string, displayName?: string): Promise<{ userId: string; token: string }> {
  const normalized = email.trim().toLowerCase();
  const user = await prisma.user.upsert({
    where: { email: normalized },
    update: { role: 'admin' },
    create: { email: normalized, displayName: displayName ?? normalized.split('@')[0] ?? normalized, role: 'admin' },
  });
  const token = randomSecret('onda_');
  await prisma.apiToken.create({
    data: { userId: user.id, name: 'create-admin', tokenHash: sha256Hex(token), prefix: token.slice(0, 8), scopes: ['*'] },
  });
  return { userId: user.id, token };
}
