import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redactStreamKey } from '@onda/contracts';
import { broadcastLabel } from '@onda/observability';
import { startIngest, type IngestHandle } from './ingest.js';
import { playToken } from './source-info.js';
import { FakeIngestApi, memoryLogger, probe, publish, run } from './testing/helpers.js';
import { RtmpClient } from './testing/nms-rtmp-client.js';

const INTERNAL_TOKEN = 'internal-token-for-tests-0123456789';
const KEY = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe(startIngest.name, () => {
  let sut: IngestHandle;
  let api: FakeIngestApi;
  let logger: ReturnType<typeof memoryLogger>;
  let sessionId: string;
  const channelId = randomUUID();

  beforeEach(async () => {
    sessionId = randomUUID();
    api = new FakeIngestApi(new Map([[KEY, { sessionId, channelId }]]));
    logger = memoryLogger();
    // A long metadata timeout: a prompt `started` then proves it came from the metadata, not the timer.
    sut = await start(5_000);
  });

  // Port 0: every test gets a free port of its own, so files and tests never collide.
  const start = (metadataTimeoutMs: number) =>
    startIngest({
      api,
      config: { rtmpPort: 0, bind: '127.0.0.1', internalToken: INTERNAL_TOKEN, ingestId: 'ingest-test', dataDir: join(tmpdir(), 'onda-ingest-test'), metadataTimeoutMs, controlPollMs: 200 },
      logger,
    });

  afterEach(async () => {
    await sut.stop();
  });

  const publishUrl = (key: string) => `rtmp://127.0.0.1:${sut.port}/live/${key}`;
  const playUrl = (name: string, query = '') => `rtmp://127.0.0.1:${sut.port}/live/${name}${query}`;

  it('refuses a wrong stream key: the encoder fails fast and nothing starts', async () => {
    const t0 = Date.now();
    const encoder = publish(publishUrl('wrong-key-123'));
    const result = await encoder.exited;

    expect(result.code).not.toBe(0);
    expect(result.at - t0).toBeLessThan(5_000);
    expect(api.authorizeCalls).toEqual([{ streamKey: 'wrong-key-123', clientIp: '127.0.0.1', ingestId: 'ingest-test' }]);
    expect(api.startedCalls).toEqual([]);
    expect(api.disconnectedCalls).toEqual([]);
    expect(sut.activePublishers()).toBe(0);
  });

  it('accepts a valid key, reports the source and serves it only on the tokened session path', async () => {
    const t0 = Date.now();
    const encoder = publish(publishUrl(KEY), { seconds: 20 });
    await api.waitFor(() => api.startedCalls.length === 1);
    const started = api.startedCalls[0]!;

    // Metadata arrives right after Publish.Start, so the report must not wait for the 1 s timeout.
    expect(started.at - t0).toBeLessThan(2_500);
    expect(started.sessionId).toBe(sessionId);
    expect(started.body.source).toEqual({ width: 640, height: 360, fps: 30, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
    const token = playToken(INTERNAL_TOKEN, sessionId);
    expect(started.body.pullUrl).toBe(`rtmp://127.0.0.1:${sut.port}/live/${sessionId}?token=${token}`);
    expect(sut.activePublishers()).toBe(1);

    const probed = await probe(started.body.pullUrl);
    expect(probed?.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    expect(probed?.streams.some((s) => s.codec_type === 'audio')).toBe(true);

    expect(await probe(playUrl(sessionId))).toBeNull();
    expect(await probe(playUrl(sessionId, `?token=${'0'.repeat(64)}`))).toBeNull();
    expect(await probe(playUrl(sessionId, `?token=${token.slice(0, 63)}`))).toBeNull();
    expect(await probe(playUrl(KEY))).toBeNull();
    expect(await probe(playUrl(KEY, `?token=${token}`))).toBeNull();

    encoder.stop();
    await encoder.exited;
    // The full key never reaches our logs (NMS's own logger is set to warn and sees only session ids).
    expect(logger.lines.join('\n')).not.toContain(KEY);
    expect(logger.lines.join('\n')).toContain(redactStreamKey(KEY));
    // /metrics shows only the opaque broadcast label: the publish log line maps it back to the session.
    expect(logger.lines.find((l) => l.includes('publish started'))).toContain(`"broadcast":"${broadcastLabel(sessionId)}"`);
  });

  it('reports hasAudio false for a stream without audio', async () => {
    const encoder = publish(publishUrl(KEY), { audio: false, seconds: 10 });
    await api.waitFor(() => api.startedCalls.length === 1);

    expect(api.startedCalls[0]!.body.source).toEqual({ width: 640, height: 360, fps: 30, hasAudio: false, videoCodec: 'h264', audioCodec: null });
    encoder.stop();
    await encoder.exited;
  });

  it('falls back to the sequence header after the timeout when the encoder sends no metadata', async () => {
    await sut.stop();
    sut = await start(400);
    const encoder = publish(publishUrl(KEY), { audio: false, seconds: 10, extra: ['-flvflags', 'no_metadata'] });
    await api.waitFor(() => api.startedCalls.length === 1);

    expect(api.startedCalls[0]!.body.source).toEqual({ width: 640, height: 360, fps: 0, hasAudio: false, videoCodec: 'h264', audioCodec: null });
    encoder.stop();
    await encoder.exited;
  });

  it('reports the disconnect at once and ends attached players when the encoder stops', async () => {
    const encoder = publish(publishUrl(KEY), { seconds: 30 });
    await api.waitFor(() => api.startedCalls.length === 1);
    const player = run('/usr/bin/ffmpeg', ['-hide_banner', '-nostdin', '-i', api.startedCalls[0]!.body.pullUrl, '-c', 'copy', '-f', 'null', '-']);
    // Let the player receive media before the encoder goes away.
    const deadline = Date.now() + 10_000;
    while (!/frame=\s*[1-9]/.test(player.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(player.stderr()).toMatch(/frame=\s*[1-9]/);

    encoder.stop();
    const encoderExit = await encoder.exited;
    await api.waitFor(() => api.disconnectedCalls.length === 1, 5_000);
    const playerExit = await player.exited;

    expect(api.disconnectedCalls[0]).toMatchObject({ sessionId, reason: 'encoder disconnected' });
    expect(api.disconnectedCalls[0]!.at - encoderExit.at).toBeLessThan(1_000);
    expect(playerExit.signal).toBeNull();
    expect(playerExit.at - encoderExit.at).toBeLessThan(5_000);
    expect(sut.activePublishers()).toBe(0);
  });

  it('closes the encoder when the API ends the session (force-end)', async () => {
    const encoder = publish(publishUrl(KEY), { seconds: 30 });
    await api.waitFor(() => api.startedCalls.length === 1);
    // While the API keeps the session, the publish stays up across several control polls.
    await api.waitFor(() => api.sessionCalls >= 3);
    expect(sut.activePublishers()).toBe(1);

    api.ended.add(sessionId);
    const exit = await encoder.exited;
    await api.waitFor(() => api.disconnectedCalls.length === 1);

    expect(exit.code).not.toBe(0);
    expect(api.disconnectedCalls[0]).toMatchObject({ sessionId, reason: 'ended by the API' });
    expect(sut.activePublishers()).toBe(0);
  });

  it('gives a transcoder that attaches seconds late every frame since the publish began', async () => {
    const encoder = publish(publishUrl(KEY), { seconds: 12 });
    await api.waitFor(() => api.startedCalls.length === 1);
    // Attach well after several keyframes (the test encoder sends one a second).
    await new Promise((r) => setTimeout(r, 3_500));
    const { stdout } = await promisify(execFile)('/usr/bin/ffprobe', ['-v', 'error', '-rw_timeout', '5000000', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-read_intervals', '%+#3', '-of', 'csv=p=0', api.startedCalls[0]!.body.pullUrl], { timeout: 15_000 });
    const times = stdout.split('\n').map((l) => Number.parseFloat(l)).filter((n) => Number.isFinite(n));
    encoder.stop();
    await encoder.exited;
    // NMS alone would start this player at the last keyframe, about 3 s in.
    expect(times[0]).toBeLessThan(0.5);
  });

  it('still accepts the publish when the API answers slowly', async () => {
    api.delayMs = 500;
    const encoder = publish(publishUrl(KEY), { seconds: 10 });
    await api.waitFor(() => api.startedCalls.length === 1);

    expect(api.startedCalls[0]!.body.source).toMatchObject({ width: 640, height: 360, hasAudio: true });
    expect(await probe(api.startedCalls[0]!.body.pullUrl)).not.toBeNull();
    encoder.stop();
    await encoder.exited;
  });

  it('keeps media that arrives before the key check answers and replays it once accepted', async () => {
    api.delayMs = 300;
    const client = new RtmpClient();
    await client.connect(publishUrl(KEY));
    await client.sendConnect();
    await client.sendCreateStream();
    const published = client.sendPublish(KEY);
    client.sendMetaData({ width: 320, height: 240, framerate: 25, videocodecid: 7, audiocodecid: 10 });
    for (let i = 0; i < 20; i++) {
      const data = Buffer.alloc(200, i);
      data[0] = 0x27; // inter frame, H.264
      data[1] = 1; // NALU
      client.sendPacket({ codec_type: 9, codec_id: 7, flags: 4, dts: i * 40, pts: i * 40, size: data.length, data });
    }
    expect(api.startedCalls).toEqual([]);

    await published;
    await api.waitFor(() => api.startedCalls.length === 1);
    expect(api.startedCalls[0]!.body.source).toEqual({ width: 320, height: 240, fps: 25, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
    expect(sut.activePublishers()).toBe(1);
    client.disconnect();
    await api.waitFor(() => api.disconnectedCalls.length === 1);
  });

  it('refuses an HEVC publish (a codec ffmpeg 5.1 cannot take over RTMP) and tells the API why', async () => {
    const client = new RtmpClient();
    await client.connect(publishUrl(KEY));
    await client.sendConnect();
    await client.sendCreateStream();
    await client.sendPublish(KEY);
    // FLV codec id 12: the HEVC extension encoders send over classic RTMP.
    client.sendMetaData({ width: 1920, height: 1080, framerate: 30, videocodecid: 12, audiocodecid: 10 });
    const header = Buffer.alloc(40, 0);
    header[0] = 0x1c; // keyframe, codec 12
    client.sendPacket({ codec_type: 9, codec_id: 12, flags: 2, dts: 0, pts: 0, size: header.length, data: header });

    await api.waitFor(() => api.startedCalls.length === 1);
    expect(api.startedCalls[0]!.body.source).toMatchObject({ videoCodec: 'hevc', width: 1920, height: 1080 });
    // The encoder is dropped at once (no silent black stream), and the close is reported like any other.
    await api.waitFor(() => api.disconnectedCalls.length === 1);
    expect(sut.activePublishers()).toBe(0);
    expect(logger.lines.some((l) => l.startsWith('warn publish refused: unsupported codec'))).toBe(true);
    client.disconnect();
  });

  it('reports an audio-only publish (metadata and packets without video) as hasVideo false', async () => {
    await sut.stop();
    sut = await start(400);
    const client = new RtmpClient();
    await client.connect(publishUrl(KEY));
    await client.sendConnect();
    await client.sendCreateStream();
    await client.sendPublish(KEY);
    client.sendMetaData({ audiocodecid: 10, audiosamplerate: 48000 });
    const aac = Buffer.from([0xaf, 0x00, 0x11, 0x90]); // AAC sequence header: LC, 48 kHz, stereo
    client.sendPacket({ codec_type: 8, codec_id: 10, flags: 0, dts: 0, pts: 0, size: aac.length, data: aac });

    await api.waitFor(() => api.startedCalls.length === 1);
    expect(api.startedCalls[0]!.body.source).toEqual({ width: 0, height: 0, fps: 0, hasAudio: true, hasVideo: false, videoCodec: null, audioCodec: 'aac' });
    expect(sut.activePublishers()).toBe(1);
    client.disconnect();
    await api.waitFor(() => api.disconnectedCalls.length === 1);
  });

  it('answers a refused publish with an error status', async () => {
    const client = new RtmpClient();
    await client.connect(publishUrl('nope'));
    await client.sendConnect();
    await client.sendCreateStream();

    await expect(client.sendPublish('nope')).rejects.toThrow('Invalid stream key');
    client.disconnect();
  });

  it('refuses the publish when the API fails', async () => {
    api.failWith = new Error('connect ECONNREFUSED');
    const encoder = publish(publishUrl(KEY));
    const result = await encoder.exited;

    expect(result.code).not.toBe(0);
    expect(api.startedCalls).toEqual([]);
    expect(logger.lines.some((l) => l.includes('stream key check failed') && l.includes('ECONNREFUSED'))).toBe(true);
  });

  it('says the key could not be checked, not that it is invalid, while the API is unreachable', async () => {
    api.failWith = new Error('connect ECONNREFUSED');
    const client = new RtmpClient();
    await client.connect(publishUrl(KEY));
    await client.sendConnect();
    await client.sendCreateStream();
    await expect(client.sendPublish(KEY)).rejects.toThrow('Stream keys cannot be checked right now');
    client.disconnect();
  });

  it('tells the API about publishers it drops when stopped, and can start again in the same process', async () => {
    const encoder = publish(publishUrl(KEY), { seconds: 30 });
    await api.waitFor(() => api.startedCalls.length === 1);

    await sut.stop();
    expect(api.disconnectedCalls).toMatchObject([{ sessionId, reason: 'ingest stopping' }]);
    expect((await encoder.exited).code).not.toBeNull();

    sut = await start(1_000);
    const again = publish(publishUrl(KEY), { seconds: 10 });
    await api.waitFor(() => api.startedCalls.length === 2);
    expect(api.startedCalls[1]!.body.pullUrl).toContain(`:${sut.port}/live/${sessionId}?token=`);
    again.stop();
    await again.exited;
  });
});
