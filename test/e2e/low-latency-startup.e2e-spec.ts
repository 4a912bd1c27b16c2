import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLlPlaylist, validateLlPlaylist } from '@onda/media';
import { apiClient, createChannel, run, variants } from '@onda/testing';
import { startEmbedded, type Platform } from './support/platform.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.LL_STARTUP_RUNS ?? 3);

interface ChannelBody {
  status: 'offline' | 'live';
  liveSession: { id: string; playbackUrl: string | null } | null;
}

const fetchText = async (url: string): Promise<string | null> => {
  const res = await fetch(url, { cache: 'no-store' });
  return res.ok ? res.text() : null;
};

/**
 * Publish-to-playable of a low-latency channel, the way the live-latency bench reads it (a separate
 * publisher replaying an OBS-like 1080p30 file with `-re -c copy`, recording on, embedded mode): from the
 * publisher's spawn until the master and every variant playlist the API serves list a complete segment
 * (hls.js starts from nothing less). The first playable playlists are checked against the LL-HLS rules
 * and must already be playable from the first part: a first segment of one part, then one of two.
 */
describe('low-latency startup', () => {
  let platform: Platform;
  let dir: string;
  let source: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onda-ll-startup-'));
    source = path.join(dir, 'obs-1080p30.flv');
    // As bench/src/support/obs-source.ts: x264 High with 2 B-frames, CBR 6 Mb/s, 2 s GOP, AAC 48 kHz, FLV.
    await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '8',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-pix_fmt', 'yuv420p', '-b:v', '6000k', '-maxrate', '6000k', '-bufsize', '6000k',
      '-x264-params', 'nal-hrd=cbr:force-cfr=1', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '160k', '-ar', '48000', '-ac', '2', '-f', 'flv', source]);
    platform = await startEmbedded();
  });
  afterAll(async () => {
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = apiClient(() => platform);

  it('is playable from the first part of every rung', { timeout: 600_000 }, async () => {
    const results: Array<{ liveMs: number; playableMs: number; firstSegment: number; loadavg: string }> = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const slug = `ll-startup-${i}`;
        const { publishUrl } = await createChannel(api, { slug, title: slug, latencyMode: 'low', recording: true, reconnectWindowSeconds: 2 });
        const t0 = Date.now();
        const publisher = run('publisher', 'ffmpeg', ['-hide_banner', '-loglevel', 'warning', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', publishUrl]);
        let liveMs: number | null = null;
        let sessionId: string | null = null;
        let playable: string[] | null = null;
        let playableMs = 0;
        let playbackUrl: string | null = null;
        while (playable === null && Date.now() - t0 < 15_000) {
          const { body } = await api<ChannelBody>(`/v1/channels/${slug}`);
          sessionId ??= body.liveSession?.id ?? null;
          const url = body.status === 'live' ? body.liveSession?.playbackUrl : null;
          if (url) {
            liveMs ??= Date.now() - t0;
            playbackUrl = url;
            const master = await fetchText(url);
            const texts = master === null ? [] : await Promise.all(variants(url, master).map((v) => fetchText(v.uri)));
            if (texts.length > 0 && texts.every((t) => t?.includes('#EXTINF:'))) {
              playableMs = Date.now() - t0;
              playable = texts as string[];
            }
          }
          if (playable === null) await new Promise((r) => setTimeout(r, 40));
        }
        expect(playable, `run ${i} not playable within 15 s`).not.toBeNull();
        for (const t of playable!) {
          expect(validateLlPlaylist(t, { requireParts: true }), t).toEqual([]);
          // The first segment is the first part: playable without waiting for a 2 s segment.
          const first = parseLlPlaylist(t).segments[0]!;
          expect(first.parts.map((p) => p.independent)).toEqual([true]);
          expect(first.duration).toBeLessThan(0.4);
        }
        const variantUrl = variants(playbackUrl!, (await fetchText(playbackUrl!))!)[0]!.uri;
        let second: ReturnType<typeof parseLlPlaylist>['segments'][number] | undefined;
        while (!second && Date.now() - t0 < 20_000) {
          second = parseLlPlaylist((await fetchText(variantUrl)) ?? '').segments[1];
          if (!second) await new Promise((r) => setTimeout(r, 40));
        }
        // The second segment is two parts (LL_LEAD_SEGMENT_PARTS): a viewer that started on the first part
        // loads the parts after it 0.67 s later instead of waiting for a whole 2 s segment.
        expect(second?.parts.map((p) => p.independent)).toEqual([true, false]);
        results.push({ liveMs: liveMs!, playableMs, firstSegment: parseLlPlaylist(playable![0]!).segments[0]!.duration, loadavg: loadavg().map((l) => l.toFixed(1)).join(' ') });
        console.log(`LL startup run ${i}: ${JSON.stringify(results.at(-1))}`);
        expect(await publisher.exited).toBe(0);
        // The next broadcast is measured without this one's VOD encode running beside it.
        const until = Date.now() + (i < RUNS - 1 ? 180_000 : 0);
        while (Date.now() < until && !['ready', 'failed'].includes((await api<{ status: string }>(`/v1/vods/${sessionId}`)).body?.status)) await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (error) {
      console.error(`platform logs (no HTTP lines):\n${platform.logs().split('\n').filter((l) => !l.includes('"context":"Http"')).join('\n').slice(-30_000)}`);
      throw error;
    }
    const sorted = results.map((r) => r.playableMs).sort((a, b) => a - b);
    console.log(`LL publish-to-playable (1080p30 OBS-like source, recording on, embedded): runs ${JSON.stringify(results)}; median ${sorted[Math.floor(sorted.length / 2)]} ms`);
  });
});
