import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@onda/db';
import { createQueue, type JobQueue } from '@onda/queue';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { apiClient, type ApiClient } from '@onda/testing';
import { startApi, type ApiOptions, type RunningApi } from '../src/index.js';

export const INTERNAL = 'internal-token-for-tests-0123456789';

export interface Harness {
  db: TestDatabase;
  queue: JobQueue;
  storage: ObjectStorage;
  sut: RunningApi;
  /** A JSON client of this API calling as `token`'s owner. */
  api(token: string): ApiClient;
  /** A JSON client of the internal routes (the ingest's and the worker's token). */
  internal: ApiClient;
  close(): Promise<void>;
}

/** A real API over a fresh PostgreSQL database, local-disk storage and the in-process queue. */
export async function startHarness(options: Partial<ApiOptions> = {}, db?: TestDatabase, storageOverride?: ObjectStorage): Promise<Harness> {
  const database = db ?? (await createTestDatabase());
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-api-'));
  const queue = createQueue({});
  queue.consume('live', async () => undefined);
  const storage = storageOverride ?? createStorage({ localDir: dir });
  const sut = await startApi(
    {
      prisma: database.prisma,
      queue,
      storage,
      options: { publicUrl: 'http://onda.test', rtmpPublicUrl: 'rtmp://onda.test/live', internalToken: INTERNAL, secret: 'x'.repeat(40), webhooksAllowPrivate: true, ...options },
    },
    { host: '127.0.0.1', port: 0, logLevel: 'error' },
  );
  return {
    db: database,
    queue,
    storage,
    sut,
    api: (token) => apiClient({ apiUrl: sut.url, token }),
    internal: apiClient({ apiUrl: sut.url, token: INTERNAL }),
    close: async () => {
      await sut.close();
      await queue.close();
      if (!db) await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
