import type { PrismaClient } from '@onda/db';
import { assertPasswordPolicy } from '@onda/contracts';
import { hashPassword } from '../auth/password.js';
import { StreamKeyCrypto } from '../channels/stream-key.crypto.js';

/** What `onda seed` asks for. */
export interface SeedOptions {
  /** Server secret the API encrypts stream keys with: the keys must stay readable through the API. */
  secret: string;
  /** Console password for the demo admin; without it the admin cannot sign in (never a default password). */
  adminPassword?: string;
  adminEmail?: string;
  moderatorEmail?: string;
}

/** What the seed left in the database. */
export interface SeedResult {
  adminEmail: string;
  moderatorEmail: string;
  adminPasswordSet: boolean;
  channels: { id: string; slug: string; title: string; visibility: 'public' | 'unlisted' | 'private' }[];
}

const CHANNELS = [
  { slug: 'demo-public', title: '공개 데모 채널 · Public demo', description: 'Anyone can find and watch this channel.', visibility: 'public' },
  { slug: 'demo-unlisted', title: 'Unlisted rehearsal · 미등록 리허설', description: 'Watchable by link, not listed.', visibility: 'unlisted' },
  { slug: 'demo-private', title: '비공개 사내 방송 · Private town hall', description: 'Signed, expiring playback URLs only.', visibility: 'private' },
] as const;

/**
 * Development data: a demo admin, a moderator of the public channel, and three channels of each
 * visibility with one active stream key each. Idempotent: running it again changes nothing except the
 * admin password when one is given (keys are never rotated, so a configured OBS keeps working).
 */
export async function seedDevelopmentData(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  if (options.adminPassword !== undefined) assertPasswordPolicy(options.adminPassword, 'The admin password');
  const adminEmail = (options.adminEmail ?? 'admin@onda.localhost').toLowerCase();
  const moderatorEmail = (options.moderatorEmail ?? 'moderator@onda.localhost').toLowerCase();
  const passwordHash = options.adminPassword === undefined ? undefined : await hashPassword(options.adminPassword);
  const keys = new StreamKeyCrypto(options.secret);

  const admin = await prisma.user.upsert({
    where: { email: adminEmail },
    update: { role: 'streamer', ...(passwordHash ? { passwordHash } : {}) },
    create: { email: adminEmail, displayName: 'Demo admin', role: 'streamer', operator: true, passwordHash: passwordHash ?? null },
  });
  const moderator = await prisma.user.upsert({
    where: { email: moderatorEmail },
    update: {},
    create: { email: moderatorEmail, displayName: '데모 모더레이터', role: 'moderator' },
  });

  const channels: SeedResult['channels'] = [];
  for (const spec of CHANNELS) {
    const channel = await prisma.channel.upsert({
      where: { slug: spec.slug },
      update: {},
      create: { ...spec, ownerId: admin.id },
    });
    const active = await prisma.streamKey.findFirst({ where: { channelId: channel.id, revokedAt: null } });
    if (!active) {
      const plain = keys.generate();
      await prisma.streamKey.create({ data: { channelId: channel.id, keyHash: keys.hash(plain), keyCiphertext: keys.encrypt(plain), keyPrefix: plain.slice(0, 9) } });
    }
    channels.push({ id: channel.id, slug: channel.slug, title: channel.title, visibility: channel.visibility });
  }
  const publicChannel = channels[0]!;
  await prisma.channelModerator.upsert({
    where: { channelId_userId: { channelId: publicChannel.id, userId: moderator.id } },
    update: {},
    create: { channelId: publicChannel.id, userId: moderator.id },
  });
  return { adminEmail, moderatorEmail, adminPasswordSet: passwordHash !== undefined, channels };
}
