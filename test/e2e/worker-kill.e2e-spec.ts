import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vod } from '@onda/contracts';
import { apiClient, createChannel, keyframeTimes, publish, text, variants, waitFor, waitLive, waitVodReady, type Proc } from '@onda/testing';
import { startScaleOut, type Platform } from './support/platform.js';

const exec = promisify(execFile);

interface ChannelBody {
  status: 'offline' | 'live';
  liveSession: { id: string; state: string; playbackUrl: string | null } | null;
}

/**
 * Seconds of media ffmpeg can read from a file, as a remux (the archive join) sees it. Not the container's
 * duration, which for a chunk cut mid-write also counts its last, truncated fragment.
 */
async function readableSeconds(file: string): Promise<number> {
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-nostats', '-i', file, '-map', '0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1']);
  const times = [...stdout.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1]));
  return (times.at(-1) ?? 0) / 1e6;
}

/** EXTINF durations of a media playlist's segments whose URI starts with `prefix` (all when omitted). */
function mediaSeconds(playlist: string, prefix = ''): number {
  let sum = 0;
  const lines = playlist.split('\n').map((l) => l.trim());
  lines.forEach((line, i) => {
    if (line.startsWith('#EXTINF:') && (lines[i + 1] ?? '').startsWith(prefix)) sum += Number(line.slice('#EXTINF:'.length).split(',')[0]);
  });
  return sum;
}

/**
 * Workers die (OOM, a lost machine, SIGKILL): in scale-out mode each role is its own process, so a
 * worker is SIGKILLed with its ffmpeg (its process group) and a new worker process is started. The
 * queue's lock and stalled-check settings are short here so the dead worker's jobs come back in
 * seconds; nothing below waits for a fixed time.
 */
describe('a killed worker', () => {
  let platform: Platform;
  let storage: ObjectStorage;

  beforeAll(async () => {
    platform = await startScaleOut({ env: { QUEUE_LOCK_DURATION_MS: '5000', QUEUE_STALLED_INTERVAL_MS: '1000' } });
    const e = platform.env;
    storage = createStorage({
      s3: { endpoint: e.S3_ENDPOINT!, region: 'us-east-1', bucket: e.S3_BUCKET!, accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY!, forcePathStyle: true },
    });
  });
  afterAll(async () => {
    await storage?.close();
    await platform?.stop();
  });

  const api = apiClient(() => platform);

  /** A recording channel; returns the RTMP URL with its key. */
  const channel = async (slug: string): Promise<string> =>
    (await createChannel(api, { slug, title: `${slug} 방송`, recording: true, reconnectWindowSeconds: 8 })).publishUrl;

  const vodReady = (id: string) => waitVodReady<Vod>(api, id, 150_000, 500);

  /** The VOD plays: a master naming every rendition, each a complete VOD playlist whose keyframes span the recording. */
  const expectPlayable = async (vod: Vod): Promise<void> => {
    const master = await text(vod.playbackUrl!);
    const ladder = variants(vod.playbackUrl!, master);
    expect(ladder.map((v) => /RESOLUTION=\d+x(\d+)/.exec(v.attrs)?.[1] + 'p')).toEqual(vod.renditions);
    for (const v of ladder) {
      const playlist = await text(v.uri);
      expect(playlist).toContain('#EXT-X-ENDLIST');
      expect(Math.abs(mediaSeconds(playlist) - vod.durationSeconds!)).toBeLessThan(1);
    }
    const keyframes = await keyframeTimes(ladder.at(-1)!.uri);
    // 6 s VOD segments, each starting on a keyframe, to the end of the recording.
    expect(keyframes.length).toBeGreaterThanOrEqual(Math.floor(vod.durationSeconds! / 6));
    expect(keyframes.at(-1)!).toBeGreaterThan(vod.durationSeconds! - 7);
  };

  /**
   * SIGKILLs the worker halfway through the broadcast's second 10 s archive chunk: the first is in storage
   * and the live playlists hold 14 s. Returns what it had recorded: the seconds of the chunks in storage,
   * and of every chunk in its scratch folder (those plus the one it was writing).
   */
  const killMidChunk = async (live: { id: string; playbackUrl: string }): Promise<{ uploaded: number; onDisk: number }> => {
    const sessionId = live.id;
    const chunks = async (): Promise<string[]> => {
      const names: string[] = [];
      for await (const o of storage.list(`vod/${sessionId}/archive/`)) if (o.key.endsWith('.mp4')) names.push(o.key.split('/').at(-1)!);
      return names;
    };
    await waitFor('the first archive chunk in storage', async () => (await chunks()).length > 0, 60_000, 250);
    const media = new URL('720p/index.m3u8', live.playbackUrl).toString();
    await waitFor('14 s in the live playlist', async () => mediaSeconds(await text(media)) >= 14, 30_000, 250);
    await platform.killWorker!();
    const inStorage = new Set(await chunks());
    const dir = scratch(sessionId);
    let uploaded = 0;
    let onDisk = 0;
    for (const name of (await readdir(path.join(dir, 'archive'))).filter((n) => n.endsWith('.mp4'))) {
      const seconds = await readableSeconds(path.join(dir, 'archive', name));
      onDisk += seconds;
      if (inStorage.has(name)) uploaded += seconds;
    }
    expect(uploaded).toBeGreaterThan(9);
    return { uploaded, onDisk };
  };

  /** The worker's scratch folder of a session (DATA_DIR is shared by every process here, as on one machine). */
  const scratch = (sessionId: string): string => path.join(platform.env.DATA_DIR!, 'scratch', sessionId);

  const withLogs = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      console.error(`platform logs:\n${platform.logs().slice(-40_000)}`);
      throw error;
    }
  };

  it('retries a VOD encode whose worker was killed: the VOD still ends ready and plays', { timeout: 240_000 }, () => withLogs(async () => {
    const slug = 'kill-during-encode';
    const url = await channel(slug);
    const publisher = publish(url, { seconds: 15 });
    const { id } = await waitLive(api, slug);
    expect(await publisher.exited).toBe(0);

    // The encode is running: the worker reported progress of the ladder (the archive join comes before it).
    const encoding = await waitFor('the VOD encode to report progress', async () => {
      const { status, body } = await api<Vod>(`/v1/vods/${id}`);
      if (body?.status === 'failed') throw new Error(`VOD failed: ${body.failureReason}`);
      return status === 200 && body.status === 'processing' && body.progressPercent > 0 ? body : null;
    }, 90_000, 100);
    expect(encoding.progressPercent).toBeLessThan(100);

    await platform.killWorker!();
    // Nobody is left to encode; the VOD waits in the queue, still processing.
    expect((await api<Vod>(`/v1/vods/${id}`)).body.status).toBe('processing');
    await platform.startWorker!();

    const ready = await vodReady(id);
    expect(ready.renditions).toEqual(['720p', '480p']);
    expect(ready.durationSeconds).toBeGreaterThan(13);
    expect(ready.durationSeconds).toBeLessThan(17);
    await expectPlayable(ready);
  }));

  it('keeps the recording of a broadcast whose worker was killed: a new worker resumes it at the same URL', { timeout: 240_000 }, () => withLogs(async () => {
    const slug = 'kill-during-broadcast';
    // Longer than needed: the test stops the encoder once the new worker has published.
    const publisher: Proc = publish(await channel(slug), { seconds: 120 });
    let live: { id: string; playbackUrl: string };
    let archivedByDeadWorker: number;
    const media = () => new URL('720p/index.m3u8', live.playbackUrl).toString();
    try {
      live = await waitLive(api, slug);
      archivedByDeadWorker = (await killMidChunk(live)).uploaded;
      // The new worker runs on another machine: the chunk the dead worker was writing is gone with its disk.
      await rm(scratch(live.id), { recursive: true, force: true });

      await platform.startWorker!();
      // The new worker takes the live job over: same session, same playback URL, a discontinuity, then its own segments.
      await waitFor('the new worker to publish 3 segments', async () => (await text(media())).split('\n').filter((l) => l.startsWith('r1_')).length >= 3, 90_000, 250);
      expect(await text(media())).toContain('#EXT-X-DISCONTINUITY');
      const { body: during } = await api<ChannelBody>(`/v1/channels/${slug}`);
      expect(during.liveSession).toMatchObject({ id: live.id, playbackUrl: live.playbackUrl });
    } finally {
      await publisher.stop();
    }

    // The encoder is gone: after the reconnect window the session ends with finalised playlists.
    await waitFor('the session to end', async () => (await api<ChannelBody>(`/v1/channels/${slug}`)).body.status === 'offline', 60_000, 250);
    const playlist = await waitFor('ENDLIST', async () => {
      const t = await text(media());
      return t.includes('#EXT-X-ENDLIST') ? t : null;
    }, 30_000, 250);
    const resumedSeconds = mediaSeconds(playlist, 'r1_');
    expect(resumedSeconds).toBeGreaterThanOrEqual(4);

    // One VOD holding what both workers recorded.
    const vod = await vodReady(live.id);
    // Each run's archive and playlists start and end a little apart (keyframes, the last fragment): a few seconds' slack.
    expect(vod.durationSeconds!).toBeGreaterThan(archivedByDeadWorker + resumedSeconds - 3);
    await expectPlayable(vod);
  }));

  it('keeps the recording of a broadcast ended while its worker was dead: the next worker finalises it', { timeout: 240_000 }, () => withLogs(async () => {
    const slug = 'kill-then-end';
    const publisher: Proc = publish(await channel(slug), { seconds: 120 });
    let live: { id: string; playbackUrl: string };
    let archivedByDeadWorker: number;
    try {
      live = await waitLive(api, slug);
      // Same machine this time: the next worker also uploads the chunk the dead one was writing.
      const recorded = await killMidChunk(live);
      expect(recorded.onDisk).toBeGreaterThan(recorded.uploaded + 1);
      archivedByDeadWorker = recorded.onDisk;
      // The owner ends the broadcast from the console before any worker took it over.
      expect((await api(`/v1/live-sessions/${live.id}/end`, { method: 'POST' })).status).toBe(200);
      await waitFor('the ingest to drop the encoder', async () => publisher.child.exitCode !== null || publisher.child.signalCode !== null, 30_000);
    } finally {
      await publisher.stop();
    }

    await platform.startWorker!();
    const vod = await vodReady(live.id);
    expect(vod.durationSeconds!).toBeGreaterThan(archivedByDeadWorker - 0.5);
    await expectPlayable(vod);
    // The live playlists are finalised too: the replay of the broadcast ends instead of waiting forever.
    expect(await text(new URL('720p/index.m3u8', live.playbackUrl).toString())).toContain('#EXT-X-ENDLIST');
  }));
});
