import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient, type Channel, type Prisma, type PrismaClient, type User } from './client.js';
import { migrate } from './migrate.js';

/** Server used when neither TEST_DATABASE_URL nor DATABASE_URL is set (local trust auth). */
export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** URL of the fresh, migrated database. */
  url: string;
  prisma: PrismaClient;
  /** Disconnects the client and drops the database. */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates a uniquely named, migrated database on the server from TEST_DATABASE_URL, DATABASE_URL
 * or the local default, so test files can run in parallel without sharing rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const name = `onda_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }

  const url = withDatabase(serverUrl, name);
  const dropDatabase = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      // FORCE (PostgreSQL 13+) ends connections a test may have leaked, e.g. a pool not closed.
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };

  try {
    await migrate(url);
  } catch (error) {
    await dropDatabase().catch(() => undefined);
    throw error;
  }
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase();
    },
  };
}

let sequence = 0;
const unique = (): string => `${(++sequence).toString(36)}${randomBytes(3).toString('hex')}`;

/** Inserts a user with a unique email; `overrides` win. */
export function createUser(prisma: PrismaClient, overrides: Partial<Prisma.UserCreateInput> = {}): Promise<User> {
  const id = unique();
  return prisma.user.create({
    data: { email: `user-${id}@example.test`, displayName: `User ${id}`, ...overrides },
  });
}

/** Inserts a channel with a unique slug owned by `ownerId`; `overrides` win. */
export function createChannel(
  prisma: PrismaClient,
  ownerId: string,
  overrides: Partial<Omit<Prisma.ChannelUncheckedCreateInput, 'ownerId'>> = {},
): Promise<Channel> {
  const id = unique();
  return prisma.channel.create({
    data: { ownerId, slug: `channel-${id}`, title: `Channel ${id}`, ...overrides },
  });
}
