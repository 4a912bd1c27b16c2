import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export * from './generated/prisma/client.js';

/**
 * A Prisma client over node-postgres (the driver adapter is used in every deployment mode). A new connection
 * that does not open within 5 s fails (node-postgres waits forever by default): while the database is
 * unreachable or partitioned away, requests fail fast with a connection error the API answers as 503.
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, connectionTimeoutMillis: 5000, keepAlive: true }) });
}
