import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSessionState, Prisma, UserRole } from './client.js';
import { createChannel, createTestDatabase as sut, createUser, DEFAULT_TEST_SERVER_URL, type TestDatabase } from './testing.js';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe(sut.name, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await sut();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('gives a migrated database with factories that fill the required fields', async () => {
    const owner = await createUser(db.prisma, { role: UserRole.admin });
    const channel = await createChannel(db.prisma, owner.id, { passthrough: true });

    expect(owner).toMatchObject({ role: 'admin', email: expect.stringMatching(/@example\.test$/) });
    expect(channel).toMatchObject({ ownerId: owner.id, passthrough: true, slug: expect.stringMatching(/^channel-/) });
    const other = await createUser(db.prisma);
    expect(other.email).not.toBe(owner.email);
    expect(other.role).toBe('viewer');
  });

  describe('live_sessions_one_active', () => {
    const session = (channelId: string, state: LiveSessionState): Prisma.LiveSessionUncheckedCreateInput => ({
      channelId,
      state,
      ingestId: `ingest-${Math.random().toString(36).slice(2)}`,
      storagePrefix: `live/${channelId}`,
    });

    it('allows one active session per channel and frees the slot when it ends', async () => {
      const owner = await createUser(db.prisma);
      const channel = await createChannel(db.prisma, owner.id);
      const other = await createChannel(db.prisma, owner.id);

      const first = await db.prisma.liveSession.create({ data: session(channel.id, 'live') });
      expect(first.renditions).toEqual([]);
      expect(first.publisherConnected).toBe(true);

      for (const state of ['starting', 'live', 'reconnecting'] as const) {
        await expect(db.prisma.liveSession.create({ data: session(channel.id, state) })).rejects.toMatchObject({
          code: 'P2002',
        });
      }
      // Another channel is unaffected, and finished sessions do not count.
      await db.prisma.liveSession.create({ data: session(other.id, 'starting') });
      await db.prisma.liveSession.create({ data: session(channel.id, 'ended') });
      await db.prisma.liveSession.create({ data: session(channel.id, 'failed') });

      await db.prisma.liveSession.update({ where: { id: first.id }, data: { state: 'ended', endedAt: new Date() } });
      const next = await db.prisma.liveSession.create({ data: session(channel.id, 'starting') });

      expect(next.state).toBe('starting');
      expect(await db.prisma.liveSession.count({ where: { channelId: channel.id } })).toBe(4);
    });
  });

  it('drop() removes the database', async () => {
    const temporary = await sut();
    const name = new URL(temporary.url).pathname.slice(1);
    expect(await databaseExists(name)).toBe(true);

    await temporary.drop();

    expect(await databaseExists(name)).toBe(false);
  });
});
