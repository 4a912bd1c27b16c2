/**
 * One Onda API process for the beacon benchmark (started by beacons.ts as a child): the real `startApi` over
 * embedded PostgreSQL (or BENCH_DATABASE_URL's server) with a fresh migrated database, the in-process queue and
 * local storage, and the statistics write mode under test (BEACON_WRITE_MODE = batched | per-beacon).
 * Prints `BEACON_API_READY {json}` once it listens; SIGINT stops it and drops its database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdminWithToken, startApi } from '@onda/api';
import { createTestDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@onda/db';
import { createQueue } from '@onda/queue';
import { createStorage } from '@onda/storage';

const mode = process.env.BEACON_WRITE_MODE === 'per-beacon' ? 'per-beacon' : 'batched';
const dir = mkdtempSync(path.join(tmpdir(), 'onda-bench-beacons-'));
let pg: EmbeddedPostgresHandle | null = null;
let serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl) {
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres') });
  serverUrl = pg.connectionString;
}
process.env.TEST_DATABASE_URL = serverUrl;
const db = await createTestDatabase();
const queue = createQueue({});
const storage = createStorage({ localDir: path.join(dir, 'media') });
const internalToken = randomBytes(24).toString('base64url');
const api = await startApi(
  {
    prisma: db.prisma,
    queue,
    storage,
    options: {
      publicUrl: 'http://127.0.0.1', rtmpPublicUrl: 'rtmp://127.0.0.1/live', internalToken, secret: randomBytes(24).toString('hex'),
      webhooks: { pollMs: 0 },
      // One box sends every beacon: the per-address limit must allow the whole load.
      // ... and every player's new playback ticket, valid for the whole run.
      statsBeaconsPerIpPerMinute: 1_000_000_000,
      stats: { writeMode: mode, ticketsPerIp: { limit: 1_000_000, windowMs: 60_000 }, ticketTtlSeconds: 3600, maxBufferedBeacons: 1_000_000, cleanupIntervalMs: 0 },
    },
  },
  { host: '127.0.0.1', port: Number(process.env.PORT ?? 0), logLevel: 'warn' },
);
const { token } = await createAdminWithToken(db.prisma, 'bench@example.com');
console.log(`BEACON_API_READY ${JSON.stringify({ url: api.url, token, internalToken, mode })}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await api.close();
  await queue.close();
  await db.drop();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
