import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * The same key `prisma migrate` locks, so this runner and the Prisma CLI never apply
 * migrations to one database at the same time.
 */
const PRISMA_ADVISORY_LOCK = 72707369;

/**
 * Prisma's own bookkeeping table, column for column, so `prisma migrate deploy` can take over
 * a database this runner created (the schema engine cannot be downloaded on every machine).
 */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** The migrations shipped with this package: `../prisma/migrations` from both src/ and dist/. */
export const defaultMigrationsDir: string = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export interface MigrateOptions {
  /** Folder in Prisma's layout (`<timestamp>_<name>/migration.sql`); defaults to this package's. */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** Names of the migrations applied by this call, in order; empty when the database was current. */
  applied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
  /** Checksum with CRLF turned into LF: Prisma accepts both so a Windows checkout still matches. */
  lfChecksum: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

async function readMigrations(dir: string): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    let sql: string;
    try {
      sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
    } catch (error) {
      // Prisma ignores folders without a migration.sql (editors and OSes leave such folders).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    migrations.push({ name, sql, checksum: sha256(sql), lfChecksum: sha256(sql.replace(/\r\n/g, '\n')) });
  }
  return migrations;
}

/**
 * Applies pending Prisma-format SQL migrations and records them in `_prisma_migrations`
 * exactly as Prisma does. Refuses to run when an applied migration was edited or a previous
 * attempt left an unfinished row.
 */
export async function migrate(connectionString: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      // Rows marked rolled back (`prisma migrate resolve --rolled-back`) count as not applied.
      const live = rows.filter((row) => row.rolled_back_at === null);

      const unfinished = live.find((row) => row.finished_at === null);
      if (unfinished) {
        throw new Error(
          `Migration ${unfinished.migration_name} was started but never finished. Fix the database by hand, ` +
            `then mark it with \`prisma migrate resolve --applied|--rolled-back ${unfinished.migration_name}\` ` +
            `(or delete its row from _prisma_migrations).`,
        );
      }

      const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
      for (const migration of migrations) {
        const recorded = appliedChecksums.get(migration.name);
        if (recorded !== undefined && recorded !== migration.checksum && recorded !== migration.lfChecksum) {
          throw new Error(
            `Migration ${migration.name} was modified after it was applied (checksum ${recorded} in the ` +
              `database, ${migration.checksum} on disk). Restore the original file and add a new migration instead.`,
          );
        }
      }

      const applied: string[] = [];
      for (const migration of migrations) {
        if (appliedChecksums.has(migration.name)) continue;
        // One transaction per migration: a failure leaves neither half-applied DDL nor a row
        // behind, so fixing the SQL and starting again is enough. (Prisma itself does not wrap
        // migrations, which is why it needs `migrate resolve` after a failure.)
        await client.query('BEGIN');
        try {
          const id = randomUUID();
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
            [id, migration.checksum, migration.name],
          );
          await client.query(migration.sql);
          // clock_timestamp(): now() is frozen at the start of the transaction.
          await client.query(
            'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
            [id],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.name);
      }
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
