import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken, seedDevelopmentData } from '../src/index.js';
import { verifyPassword } from '../src/auth/password.js';
import { sha256Hex } from '../src/common/token-crypto.js';
import { startHarness, type Harness } from './harness.js';

// The harness API uses this secret, so keys the seed encrypts must be readable through it.
const SECRET = 'x'.repeat(40);

describe(seedDevelopmentData.name, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates an admin, a moderator and three channels whose keys the API can read', async () => {
    const sut = seedDevelopmentData;
    const result = await sut(h.db.prisma, { secret: SECRET, adminPassword: 'correct horse battery' });

    expect(result.channels.map((c) => c.visibility)).toEqual(['public', 'unlisted', 'private']);
    expect(result.channels.some((c) => /[가-힣]/.test(c.title))).toBe(true);
    const admin = await h.db.prisma.user.findUniqueOrThrow({ where: { email: result.adminEmail } });
    expect(admin.role).toBe('streamer');
    expect(admin.operator).toBe(true);
    expect(await verifyPassword('correct horse battery', admin.passwordHash!)).toBe(true);
    const moderator = await h.db.prisma.user.findUniqueOrThrow({ where: { email: result.moderatorEmail }, include: { moderatedChannels: true } });
    expect(moderator.role).toBe('moderator');
    expect(moderator.moderatedChannels.map((m) => m.channelId)).toEqual([result.channels[0]!.id]);

    const { token } = await createAdminWithToken(h.db.prisma, result.adminEmail);
    const res = await request(h.sut.url).get('/v1/channels/demo-private/stream-key').set('Authorization', `Bearer ${token}`).expect(200);
    const key = (res.body as { streamKey: string }).streamKey;
    const stored = await h.db.prisma.streamKey.findFirstOrThrow({ where: { channelId: result.channels[2]!.id, revokedAt: null } });
    expect(sha256Hex(key)).toBe(stored.keyHash);
  });

  it('is idempotent: a second run adds nothing and keeps keys and password', async () => {
    const sut = seedDevelopmentData;
    const before = {
      users: await h.db.prisma.user.count(),
      channels: await h.db.prisma.channel.count(),
      keys: (await h.db.prisma.streamKey.findMany({ orderBy: { id: 'asc' } })).map((k) => k.keyHash),
      moderators: await h.db.prisma.channelModerator.count(),
    };

    const result = await sut(h.db.prisma, { secret: SECRET });

    expect(result.adminPasswordSet).toBe(false);
    expect(await h.db.prisma.user.count()).toBe(before.users);
    expect(await h.db.prisma.channel.count()).toBe(before.channels);
    expect(await h.db.prisma.channelModerator.count()).toBe(before.moderators);
    expect((await h.db.prisma.streamKey.findMany({ orderBy: { id: 'asc' } })).map((k) => k.keyHash)).toEqual(before.keys);
    const admin = await h.db.prisma.user.findUniqueOrThrow({ where: { email: result.adminEmail } });
    expect(await verifyPassword('correct horse battery', admin.passwordHash!)).toBe(true);
  });

  it('refuses a short admin password', async () => {
    await expect(seedDevelopmentData(h.db.prisma, { secret: SECRET, adminPassword: 'short' })).rejects.toThrow(/12 characters/);
  });
});
