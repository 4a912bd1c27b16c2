import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, publish, run, text, variants, waitFor } from '@onda/testing';
// node-media-server's own RTMP client: the only publisher here that can send an HEVC-tagged stream
// (ffmpeg 5.1 cannot mux HEVC into FLV, which is exactly why such a stream must be refused).
import { RtmpClient } from '../../apps/ingest/src/testing/nms-rtmp-client.js';
import { startEmbedded, type Platform } from './support/platform.js';

const exec = promisify(execFile);

interface ChannelBody {
  id: string;
  status: 'offline' | 'live';
  liveSession: { id: string; state: string; playbackUrl: string | null; renditions: string[] } | null;
}
interface SessionDetail { id: string; state: string; endReason: string | null; source: { videoCodec: string | null } | null }

/** Ladder profiles, refused codecs and audio-only publishes, through the whole embedded platform. */
describe('live ladders and codecs (embedded)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startEmbedded();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const api = apiClient(() => platform);
  const channel = async (slug: string, extra: Record<string, unknown> = {}): Promise<{ id: string; url: string }> => {
    const created = await api<ChannelBody>('/v1/channels', { method: 'POST', body: JSON.stringify({ slug, title: slug, reconnectWindowSeconds: 0, recording: false, ...extra }) });
    expect(created.status).toBe(201);
    const key = await api<{ streamKey: string; rtmpUrl: string }>(`/v1/channels/${slug}/stream-key`);
    return { id: created.body.id, url: `${key.body.rtmpUrl}/${key.body.streamKey}` };
  };
  const live = (slug: string) =>
    waitFor(`${slug} to go live`, async () => {
      const { body } = await api<ChannelBody>(`/v1/channels/${slug}`);
      return body.status === 'live' ? body : null;
    }, 45_000, 200);
  const logsOnFailure = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      console.error(`platform logs:\n${platform.logs().slice(-20_000)}`);
      throw error;
    }
  };

  it('honours the channel\'s ladderProfile: low-cpu plays two rungs, each with its true FRAME-RATE', () => logsOnFailure(async () => {
    const ch = await channel('e2e-low-cpu', { ladderProfile: 'low-cpu' });
    const publisher = publish(ch.url, { seconds: 10 });
    const body = await live('e2e-low-cpu');
    expect(body.liveSession!.renditions).toEqual(['720p', '360p']);
    const master = await text(body.liveSession!.playbackUrl!);
    const ladder = variants(body.liveSession!.playbackUrl!, master);
    expect(ladder.map((v) => /RESOLUTION=(\d+x\d+)/.exec(v.attrs)![1])).toEqual(['1280x720', '640x360']);
    for (const v of ladder) expect(v.attrs).toContain('FRAME-RATE=30.000');
    expect(await publisher.exited).toBe(0);
  }));

  it('refuses an HEVC publish at once and keeps the reason on the live session', () => logsOnFailure(async () => {
    const ch = await channel('e2e-hevc');
    const [, key] = /\/live\/(.+)$/.exec(ch.url)!;
    const client = new RtmpClient();
    await client.connect(ch.url);
    await client.sendConnect();
    await client.sendCreateStream();
    await client.sendPublish(key!);
    client.sendMetaData({ width: 1920, height: 1080, framerate: 30, videocodecid: 12, audiocodecid: 10 });
    const header = Buffer.alloc(40, 0);
    header[0] = 0x1c;
    client.sendPacket({ codec_type: 9, codec_id: 12, flags: 2, dts: 0, pts: 0, size: header.length, data: header });
    const failed = await waitFor('the session to fail', async () => {
      const { body } = await api<{ items: SessionDetail[] }>(`/v1/live-sessions?channelId=${ch.id}`);
      return body.items.find((s) => s.state === 'failed') ?? null;
    }, 15_000, 200);
    client.disconnect();
    expect(failed.source?.videoCodec).toBe('hevc');
    expect(failed.endReason).toMatch(/^The encoder sends HEVC \(H\.265\) video, which this server cannot take over RTMP: set the encoder to H\.264/);
    expect((await api<ChannelBody>('/v1/channels/e2e-hevc')).body.status).toBe('offline');
  }));

  it('plays an audio-only publish as audio-only HLS', () => logsOnFailure(async () => {
    const ch = await channel('e2e-audio');
    const publisher = run('publisher', 'ffmpeg', [
      '-hide_banner', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', ch.url,
    ]);
    const body = await live('e2e-audio');
    expect(body.liveSession!.renditions).toEqual(['audio']);
    const master = await text(body.liveSession!.playbackUrl!);
    const [variant] = variants(body.liveSession!.playbackUrl!, master);
    expect(variant!.attrs).toBe('BANDWIDTH=140800,AVERAGE-BANDWIDTH=128000,CODECS="mp4a.40.2"');
    const playlist = await text(variant!.uri);
    const segment = new URL(playlist.split('\n').find((l) => l.endsWith('.ts'))!, variant!.uri).toString();
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', segment]);
    // MPEG-TS lists its streams under the program too: one distinct line, AAC, and no video anywhere.
    expect([...new Set(stdout.split('\n').filter((l) => l.trim() !== ''))]).toEqual(['aac,audio']);
    expect(await publisher.exited).toBe(0);
  }));
});
