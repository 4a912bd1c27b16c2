import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_SERVER_URL } from './testing.js';
import { defaultMigrationsDir, migrate as sut } from './migrate.js';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe(sut.name, () => {
  let name: string;
  let url: string;

  beforeEach(async () => {
    name = `onda_migrate_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await query(serverUrl, `CREATE DATABASE "${name}"`);
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  });

  afterEach(async () => {
    await query(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('applies the shipped migrations once and records them as Prisma does', async () => {
    const names = (await readdir(defaultMigrationsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const initName = names[0];
    const sql = await readFile(join(defaultMigrationsDir, initName!, 'migration.sql'), 'utf8');

    expect(await sut(url)).toEqual({ applied: names });

    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining([
      '_prisma_migrations',
      'api_tokens',
      'channels',
      'live_sessions',
      'stream_keys',
      'users',
      'vods',
    ]));

    const rows = await query(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows).toHaveLength(names.length);
    const row = rows[0]!;
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(row.migration_name).toBe(initName);
    expect(row.logs).toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());

    const columns = await query<{ column_name: string; data_type: string; len: number | null; nullable: string; def: string | null }>(
      url,
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable AS nullable, column_default AS def
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, nullable: 'NO', def: null },
      { column_name: 'checksum', data_type: 'character varying', len: 64, nullable: 'NO', def: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', len: null, nullable: 'YES', def: null },
      { column_name: 'migration_name', data_type: 'character varying', len: 255, nullable: 'NO', def: null },
      { column_name: 'logs', data_type: 'text', len: null, nullable: 'YES', def: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', len: null, nullable: 'YES', def: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', len: null, nullable: 'NO', def: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', len: null, nullable: 'NO', def: '0' },
    ]);

    expect(await sut(url)).toEqual({ applied: [] });
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(names.length);
  });

  it('applies concurrently started runs only once (advisory lock)', async () => {
    const results = await Promise.all([sut(url), sut(url), sut(url)]);
    const shipped = (await readdir(defaultMigrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).length;

    // Every migration applied exactly once across the three runs.
    expect(results.flatMap((r) => r.applied)).toHaveLength(shipped);
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(shipped);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    await sut(url);
    await query(url, `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);

    await expect(sut(url)).rejects.toThrow(/was modified after it was applied/);
  });

  it('refuses to continue after an unfinished migration', async () => {
    await sut(url);
    await query(url, 'UPDATE "_prisma_migrations" SET finished_at = NULL');

    await expect(sut(url)).rejects.toThrow(/started but never finished/);
  });

  describe('with a custom migrations folder', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'onda-migrations-'));
      await cp(defaultMigrationsDir, dir, { recursive: true });
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('applies only the pending migrations, in name order', async () => {
      await sut(url, { migrationsDir: dir });
      await mkdir(join(dir, '29990102000000_second'));
      await writeFile(join(dir, '29990102000000_second', 'migration.sql'), 'ALTER TABLE "t1" ADD COLUMN "b" INT;');
      await mkdir(join(dir, '29990101000000_first'));
      await writeFile(join(dir, '29990101000000_first', 'migration.sql'), 'CREATE TABLE "t1" ("a" INT);');
      await mkdir(join(dir, '29990103000000_empty_folder'));

      expect(await sut(url, { migrationsDir: dir })).toEqual({
        applied: ['29990101000000_first', '29990102000000_second'],
      });
      expect(await query(url, 'SELECT a, b FROM "t1"')).toEqual([]);
    });

    it('rolls back a failing migration completely and records nothing', async () => {
      await mkdir(join(dir, '29990101000000_broken'));
      await writeFile(
        join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE "half" ("a" INT);\nSELECT * FROM "no_such_table";',
      );

      await expect(sut(url, { migrationsDir: dir })).rejects.toThrow(/29990101000000_broken failed: .*no_such_table/);

      expect(await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half'")).toEqual([]);
      const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations"');
      expect(names.map((r) => r.migration_name)).not.toContain('29990101000000_broken');
    });
  });
});
