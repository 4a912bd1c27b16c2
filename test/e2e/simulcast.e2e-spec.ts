import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Destination } from '@onda/contracts';
import { startNginxRtmp, type NginxRtmp } from '../../bench/src/support/nginx-rtmp.js';
import { startEmbedded, type Platform } from './support/platform.js';
import { freePort, publish, waitFor } from '@onda/testing';

const exec = promisify(execFile);

/** The first video stream's codec on an RTMP URL, as ffprobe reads it now (frames must flow for this to answer). */
async function probeVideo(url: string): Promise<string | null> {
  try {
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-rw_timeout', '8000000', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', url], { timeout: 20_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Simulcast through the real ingest and worker: the broadcast is pushed, without re-encoding, to a local
 * nginx-rtmp (Debian's libnginx-mod-rtmp) standing in for YouTube; nginx going away and coming back is
 * survived (live -> retrying -> live); a second, dead destination retries on its own without disturbing the
 * first or the ladder; the pushes stop with the broadcast. The destinations are on 127.0.0.1, so this platform
 * runs with the operator's opt-in OUTBOUND_ALLOW_PRIVATE (the default refusal is tested in the API and
 * outbound specs).
 */
describe('simulcast to an RTMP destination', () => {
  let platform: Platform;
  let nginx: NginxRtmp;
  const logs: string[] = [];

  beforeAll(async () => {
    nginx = await startNginxRtmp((l) => logs.push(l));
    platform = await startEmbedded({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
  });

  afterAll(async () => {
    await platform?.stop();
    await nginx?.stop();
  });

  it('pushes the source to nginx-rtmp, recovers after nginx restarts, stops with the broadcast', async () => {
    const slug = 'e2e-simulcast';
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` };
    const api = (path: string, init: RequestInit = {}) => fetch(`${platform.apiUrl}${path}`, { ...init, headers });
    expect((await api('/v1/channels', { method: 'POST', body: JSON.stringify({ slug, title: 'Simulcast', passthrough: true, recording: false, reconnectWindowSeconds: 0 }) })).status).toBe(201);
    const good = (await (await api(`/v1/channels/${slug}/destinations`, { method: 'POST', body: JSON.stringify({ platform: 'custom', name: 'nginx', url: nginx.rtmpUrl, streamKey: 'mirror-key-1234' }) })).json()) as Destination;
    const deadPort = await freePort();
    const dead = (await (await api(`/v1/channels/${slug}/destinations`, { method: 'POST', body: JSON.stringify({ platform: 'custom', name: 'dead', url: `rtmp://127.0.0.1:${deadPort}/live`, streamKey: 'dead-key-1234' }) })).json()) as Destination;
    expect(good.streamKeyMasked).toBe('••••••••1234');
    const destination = async (id: string): Promise<Destination> => ((await (await api(`/v1/channels/${slug}/destinations`)).json()) as { items: Destination[] }).items.find((d) => d.id === id)!;
    const seen: string[] = [];
    const untilState = (id: string, state: Destination['state'], timeoutMs: number) =>
      waitFor(`destination ${id} ${state}`, async () => {
        const d = await destination(id);
        if (id === good.id && seen.at(-1) !== d.state) seen.push(d.state);
        return d.state === state ? d : null;
      }, timeoutMs, 250);

    const key = (await (await api(`/v1/channels/${slug}/stream-key`)).json()) as { streamKey: string; rtmpUrl: string };
    const publisher = publish(`${key.rtmpUrl}/${key.streamKey}`, { seconds: 150, size: '640x360' });
    const mirror = `${nginx.rtmpUrl}/mirror-key-1234`;
    try {
      await untilState(good.id, 'live', 60_000);
      // nginx has the broadcast: H.264 as published (copied, not re-encoded).
      expect(await waitFor('nginx to serve the pushed stream', () => probeVideo(mirror), 30_000, 500)).toBe('h264');

      // The dead destination retries on its own, with a reason, while the good one stays live.
      const retrying = await untilState(dead.id, 'retrying', 30_000);
      expect(retrying.stateReason).toMatch(/could not connect|refused the connection|closed the connection/);
      expect((await destination(good.id)).state).toBe('live');

      // The destination goes away for a few seconds and comes back: the push reconnects by itself.
      const restarted = nginx.restart(4000);
      await untilState(good.id, 'retrying', 30_000);
      await restarted;
      await untilState(good.id, 'live', 90_000);
      expect(await waitFor('nginx to serve the pushed stream again', () => probeVideo(mirror), 30_000, 500)).toBe('h264');
      expect(seen).toEqual(expect.arrayContaining(['live', 'retrying']));
      expect(seen.indexOf('retrying')).toBeLessThan(seen.lastIndexOf('live'));

      // The ladder never noticed: the broadcast stayed live all along.
      const channel = (await (await api(`/v1/channels/${slug}`)).json()) as { status: string; liveSession: { id: string } };
      expect(channel.status).toBe('live');
      const session = (await (await api(`/v1/live-sessions/${channel.liveSession.id}`)).json()) as { state: string };
      expect(session.state).toBe('live');

      // Disabled while live: its push stops within a poll.
      expect((await api(`/v1/channels/${slug}/destinations/${dead.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: false }) })).status).toBe(200);
      expect((await destination(dead.id)).state).toBe('idle');

      // The broadcast ends: the push stops and nginx no longer has the stream.
      await publisher.stop();
      await untilState(good.id, 'idle', 60_000);
      await waitFor('nginx to lose the stream', async () => (await probeVideo(mirror)) === null, 30_000, 1000);
      // Keys never came back in any answer.
      const listed = await (await api(`/v1/channels/${slug}/destinations`)).text();
      expect(listed).not.toContain('mirror-key');
    } catch (error) {
      console.error(`platform logs:\n${platform.logs().slice(-20_000)}\nnginx:\n${nginx.proc.output().slice(-5000)}\n${logs.join('\n')}`);
      throw error;
    } finally {
      await publisher.stop();
    }
  }, 300_000);
});
