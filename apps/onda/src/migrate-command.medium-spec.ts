import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const server = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `onda migrate`: what a deploy runs before rolling out a release (the Kubernetes migration Job). */
describe('onda migrate', () => {
  const name = `onda_migrate_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const admin = () => new pg.Client({ connectionString: server });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  const migrate = () => spawnSync(process.execPath, [main, 'migrate'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000 });

  // Each run starts the whole CLI (every role's code), slow on a busy 2-core box: up to 60 s each (spawnSync).
  it('applies every pending migration once, exits 0, and is a no-op the second time', { timeout: 150_000 }, async () => {
    const first = migrate();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migration\(s\): .*20261228100000_live_pull_url/m);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'live_sessions' AND column_name = 'pull_url'");
    await c.end();
    expect(rows).toHaveLength(1);
    const second = migrate();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('The database schema is up to date.');
  });

  it('fails with a non-zero exit when the database cannot be reached', { timeout: 90_000 }, () => {
    const r = spawnSync(process.execPath, [main, 'migrate'], { env: { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
  });
});
