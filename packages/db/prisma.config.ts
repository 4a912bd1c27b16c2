import { defineConfig } from 'prisma/config';

// Prisma 7 keeps the connection URL out of schema.prisma. Only the CLI reads this file
// (`prisma migrate deploy` on a machine that can fetch the schema engine, `prisma studio`);
// the application passes its URL to createPrismaClient().
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/onda',
  },
});
