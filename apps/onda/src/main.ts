#!/usr/bin/env node
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAdminWithToken, seedDevelopmentData } from '@onda/api';
import { ConfigError, loadAllConfig, loadApiConfig, loadIngestConfig, loadWorkerConfig } from '@onda/config';
import { assertPasswordPolicy } from '@onda/contracts';
import { createPrismaClient, migrate, startEmbeddedPostgres } from '@onda/db';
import { runAll, runApi, runIngest, runWorker, type Stoppable } from './roles.js';
import { readOrCreateSecret } from './secrets.js';

const USAGE = `Usage: onda [command]

Commands:
  all (default)            every role in one process (embedded mode unless DATABASE_URL/REDIS_URL/S3_* are set)
  api | ingest | worker    one role as its own process (scale-out; needs ONDA_INTERNAL_TOKEN, REDIS_URL for queue)
  create-admin --email E [--password P] [--operator]
                           create (or promote) a streamer and print a new API token once; with
                           --password (or ONDA_ADMIN_PASSWORD) it can sign in to the console.
                           A streamer is a tenant (its own channels); --operator makes it an
                           operator, who manages every account and moderates every chat (audited)
  migrate                  apply pending database migrations and exit (run before rolling out a release)
  seed [--password P]      development data (idempotent): a demo admin, a moderator and three channels
`;

const env = process.env;

/** Where `onda all` notes its embedded database's URL for the CLI commands, under DATA_DIR. */
function runFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'run', 'database-url');
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Finds the database: DATABASE_URL, the running embedded server, or a temporary embedded start. */
async function withDatabase<T>(config: { databaseUrl?: string; dataDir: string }, fn: (url: string) => Promise<T>): Promise<T> {
  if (config.databaseUrl) return fn(config.databaseUrl);
  const running = (() => {
    try {
      return readFileSync(runFile(config.dataDir), 'utf8').trim();
    } catch {
      return null;
    }
  })();
  if (running && (await reachable(running))) return fn(running);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(path.resolve(config.dataDir), 'postgres') });
  try {
    return await fn(embedded.connectionString);
  } finally {
    await embedded.stop();
  }
}

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, operator: { type: 'boolean' } } });
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) throw new Error('create-admin needs --email <address>');
  // The console password: --password, or ONDA_ADMIN_PASSWORD (keeps it out of shell history and `ps`).
  const password = values.password ?? env.ONDA_ADMIN_PASSWORD;
  if (password !== undefined) assertPasswordPolicy(password, 'The admin password');
  const config = loadApiConfig(env);
  await withDatabase(config, async (url) => {
    await migrate(url);
    const prisma = createPrismaClient(url);
    try {
      const { token, operator } = await createAdminWithToken(prisma, values.email!, values.name, password, { operator: values.operator === true });
      // An admin without --operator is a tenant: its own channels only. Say so, so nobody expects more.
      console.log(`Account ${values.email} is ready (${operator ? 'operator: manages every account and moderates every channel\'s chat, audited' : 'streamer: its own channels and the ones it moderates'}). API token (shown once, keep it secret):\n\n  ${token}\n`);
      if (password !== undefined) console.log(`Console sign-in (POST ${config.publicUrl}/v1/auth/sign-in) works with ${values.email} and that password.`);
      console.log(`Try: curl -H "Authorization: Bearer ${token.slice(0, 9)}…" ${config.publicUrl}/v1/channels`);
    } finally {
      await prisma.$disconnect();
    }
  });
}

async function seed(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { password: { type: 'string' } } });
  const password = values.password ?? env.ONDA_ADMIN_PASSWORD;
  const config = loadApiConfig(env);
  // The same secret the API will use, so the seeded stream keys are readable through it.
  const secret = config.secret ?? readOrCreateSecret(path.resolve(config.dataDir), 'secret.key');
  await withDatabase(config, async (url) => {
    await migrate(url);
    const prisma = createPrismaClient(url);
    try {
      const result = await seedDevelopmentData(prisma, { secret, ...(password !== undefined ? { adminPassword: password } : {}) });
      console.log(`Seeded. Admin: ${result.adminEmail}; moderator: ${result.moderatorEmail}.`);
      console.log(result.adminPasswordSet ? 'The admin can sign in to the console with the given password.' : 'No admin password was set (--password or ONDA_ADMIN_PASSWORD): the admin cannot sign in to the console yet.');
      for (const c of result.channels) console.log(`  ${c.visibility.padEnd(8)} ${c.slug}  ${c.title}`);
      console.log(`\nOBS server URL: ${config.rtmpPublicUrl}\nStream keys are not printed: read one in the console or with\n  curl -H "Authorization: Bearer <token>" ${config.publicUrl}/v1/channels/<slug>/stream-key\n(a token comes from: npm run onda -- create-admin --email ${result.adminEmail})`);
    } finally {
      await prisma.$disconnect();
    }
  });
}

/** A started process: what stops it, where its data lives and how long its drain may take. */
interface Started {
  running: Stoppable;
  dataDir: string;
  drainSeconds: number;
  embeddedDatabaseUrl?: string;
}

/** Starts one role as its own process with its own settings and says where it listens. */
async function startRole<C extends { dataDir: string; drainSeconds: number }, R extends Stoppable>(config: C, run: (config: C) => Promise<R>, banner: (role: R) => string): Promise<Started> {
  const running = await run(config);
  console.log(banner(running));
  return { running, dataDir: config.dataDir, drainSeconds: config.drainSeconds };
}

/** Starts what `command` names; the environment is parsed once, here: every role gets its settings from this. */
async function start(command: string): Promise<Started> {
  switch (command) {
    case 'all': {
      const config = loadAllConfig(env);
      const all = await runAll(config);
      const { publicUrl, rtmpPublicUrl } = config.api;
      console.log(`\nOnda is running.\n  Web:     ${publicUrl}/\n  API:     ${publicUrl}/v1  (docs: ${publicUrl}/v1/docs)\n  RTMP:    ${rtmpPublicUrl}  (OBS server URL; stream key from the API)\n  Admin:   npm run onda -- create-admin --email you@example.com\n`);
      return { running: all, embeddedDatabaseUrl: all.embeddedDatabaseUrl, dataDir: config.api.dataDir, drainSeconds: config.ingest.drainSeconds + config.api.drainSeconds };
    }
    case 'api':
      return startRole(loadApiConfig(env), runApi, (api) => `Onda API listening on ${api.api.url}`);
    case 'ingest':
      return startRole(loadIngestConfig(env), runIngest, (ingest) => `Onda ingest listening for RTMP on port ${ingest.port}${ingest.metricsUrl ? `; metrics at ${ingest.metricsUrl}/metrics` : ''}`);
    case 'worker':
      return startRole(loadWorkerConfig(env), runWorker, (worker) => `Onda worker waiting for jobs${worker.metricsUrl ? `; metrics at ${worker.metricsUrl}/metrics` : ''}`);
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

async function serve(command: string): Promise<void> {
  const { running, dataDir, drainSeconds, embeddedDatabaseUrl } = await start(command);
  if (embeddedDatabaseUrl) {
    // Lets `onda create-admin` reach the embedded database while this process holds it.
    mkdirSync(path.dirname(runFile(dataDir)), { recursive: true });
    writeFileSync(runFile(dataDir), embeddedDatabaseUrl, { mode: 0o600 });
  }
  let stopping = false;
  // SIGTERM (an orchestrator stopping or replacing this process) drains first: see README "Running at
  // scale". SIGINT (Ctrl-C) stops at once.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drain = signal === 'SIGTERM' && running.drain;
    console.log(`${signal}: ${drain ? 'draining, then ' : ''}shutting down`);
    const timer = setTimeout(() => process.exit(1), 20_000 + (drain ? (drainSeconds + 5) * 1000 : 0));
    timer.unref();
    if (drain) await running.drain!().catch((e: unknown) => console.error('drain failed:', e));
    await running.stop();
    rmSync(runFile(dataDir), { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  const [command = 'all', ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'create-admin') return createAdmin(rest);
  if (command === 'seed') return seed(rest);
  if (command === 'migrate') {
    // The API also migrates at start; running this first (a Kubernetes Job, a deploy step) keeps a slow
    // migration out of the pods' start and lets a failed one stop the rollout before any pod changes.
    const { applied } = await withDatabase(loadApiConfig(env), (url) => migrate(url));
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database schema is up to date.');
    return;
  }
  return serve(command);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
