import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, atExit, createAdmin, createChannel, freePort, run, waitFor, type ApiCall, type Proc } from '@onda/testing';

/** The repository root (bench/dist/support -> ../../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const onda = path.join(repoRoot, 'apps/onda/dist/main.js');

/** What the API answers for GET /v1/channels/:slug (the fields the benchmarks read). */
export interface ChannelBody {
  slug: string;
  status: 'offline' | 'live';
  liveSession: { id: string; state: string; playbackUrl: string | null; renditions: string[] } | null;
}

/** A running embedded Onda (`onda all`) with an admin token. */
export interface Platform {
  apiUrl: string;
  /** DATA_DIR of this throwaway platform (media under media/, the worker's scratch under scratch/). */
  dataDir: string;
  rtmpUrl: string;
  proc: Proc;
  api: ApiCall;
  /**
   * Creates a channel and returns the full RTMP publish URL (ingest URL + stream key). `settings` replaces
   * the benches' usual ones (no reconnect window, recording off); `{}` keeps the channel defaults.
   */
  createChannel(slug: string, settings?: Record<string, unknown>): Promise<string>;
  channel(slug: string): Promise<ChannelBody>;
  stop(): Promise<void>;
}

/** Starts `onda all` exactly as `npm start` runs it, on free ports with a throwaway data folder. */
export async function startPlatform(): Promise<Platform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onda-bench-'));
  const [apiPort, rtmpPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const rtmpUrl = `rtmp://127.0.0.1:${rtmpPort}/live`;
  const env = { DATA_DIR: dataDir, API_PORT: String(apiPort), RTMP_PORT: String(rtmpPort), PUBLIC_URL: apiUrl, RTMP_PUBLIC_URL: rtmpUrl, DATABASE_URL: '', REDIS_URL: '', S3_BUCKET: '' };
  const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true });
  const unregister = atExit(removeDataDir);
  const proc = run('onda', 'node', [onda, 'all'], env);
  const stop = async (): Promise<void> => {
    await proc.stop();
    removeDataDir();
    unregister();
  };
  try {
    await waitFor('the API to be ready', async () => {
      if (proc.child.exitCode !== null) throw new Error(`onda exited early:\n${proc.output().slice(-5000)}`);
      return (await fetch(`${apiUrl}/readyz`)).ok;
    }, 90_000, 250);
    const token = await createAdmin({ entry: onda, env, email: 'bench@example.com' });
    const api = apiClient({ apiUrl, token });
    return {
      apiUrl,
      dataDir,
      rtmpUrl,
      proc,
      api,
      // By default no reconnect window (a broadcast ends as soon as its encoder stops, so runs follow each
      // other quickly) and recording off (these benches measure the live path, not a VOD encode of the previous run).
      createChannel: async (slug, settings = { reconnectWindowSeconds: 0, recording: false }) => (await createChannel(api, { slug, title: `Bench ${slug}`, ...settings })).publishUrl,
      async channel(slug) {
        const res = await api<ChannelBody>(`/v1/channels/${slug}`);
        if (res.status !== 200) throw new Error(`GET /v1/channels/${slug}: HTTP ${res.status}`);
        return res.body;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits until the channel has no active session (the previous broadcast is fully ended). */
export async function waitOffline(platform: Platform, slug: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${slug} to go offline`, async () => (await platform.channel(slug)).status === 'offline', timeoutMs, 200);
}
