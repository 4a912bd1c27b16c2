import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestHealthPoint, LiveJob, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import { archiveOutputArgs, probe } from '@onda/media';
import { broadcastLabel, createMetricsRegistry, findSamples, liveTranscodeMetrics, parsePrometheusText } from '@onda/observability';
import { MemoryStorage } from '../test/memory-storage.js';
import type { WorkerApiClient } from './api-client.js';
import { measureSourceFile } from './ingest-health.js';
import { LiveSession } from './live.session.js';

const exec = promisify(execFile);

class FakeApi implements WorkerApiClient {
  events: WorkerEvent[] = [];
  points: Array<[string, IngestHealthPoint]> = [];
  constructor(public view: WorkerSessionView) {}
  async event(_id: string, e: WorkerEvent): Promise<void> {
    this.events.push(e);
  }
  async session(): Promise<WorkerSessionView> {
    return { ...this.view };
  }
  async vodArchive(): Promise<void> {}
  async vodProgress(): Promise<void> {}
  async vodResult(): Promise<void> {}
  async clipResult(): Promise<void> {}
  async postHealth(id: string, point: IngestHealthPoint): Promise<void> {
    this.points.push([id, point]);
  }
}

let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-health-'));
  source = join(dir, 'encoder.flv');
  // What an encoder sends: H.264 with a keyframe every 2 s (50 frames at 25 fps), plus AAC.
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=8', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=8',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-b:v', '800k', '-c:a', 'aac', '-shortest', source]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe(measureSourceFile.name, () => {
  it('reads the keyframe interval and bitrate of an archive chunk', async () => {
    const out = join(dir, 'chunks');
    await mkdir(out);
    await exec('ffmpeg', ['-v', 'error', '-i', source, ...archiveOutputArgs({ pattern: join(out, 'r0_%05d.mp4'), chunkSeconds: 6 })]);
    const chunk = join(out, 'r0_00000.mp4');
    const duration = Number((await probe(chunk)).format.duration);
    const sut = await measureSourceFile(chunk);
    expect(sut.keyframeIntervalSeconds).toBe(2);
    expect(sut.bitrateKbps).toBeCloseTo(((await stat(chunk)).size * 8) / duration / 1000, 0);
    expect(sut.bitrateKbps).toBeGreaterThan(100);
  });
});

describe(`${LiveSession.name} ingest health`, () => {
  it('samples a recorded broadcast: source bitrate and keyframes from the archive, fps and speed from ffmpeg', { timeout: 90_000 }, async () => {
    const sessionId = randomUUID();
    const job: LiveJob = {
      sessionId, channelId: randomUUID(), pullUrl: 'rtmp://unused/live/x', profile: 'default', passthrough: false, segmentSeconds: 1,
      storagePrefix: `live/${sessionId}`, recording: true,
      source: { width: 640, height: 360, fps: 25, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' },
    };
    // The publisher leaves when the 8 s input ends, so the session finishes after one run.
    const api = new FakeApi({ id: sessionId, state: 'live', publisherConnected: false });
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const sut = new LiveSession({
      job, storage: new MemoryStorage(), api: Object.assign(api, { health: api.postHealth }), scratchDir: join(dir, 'scratch'),
      logger: pino({ level: 'silent' }), archiveChunkSeconds: 2, ingestHealthIntervalMs: 500, metrics: liveTranscodeMetrics(registry),
      input: () => ({ args: ['-re'], url: source }),
    });
    const done = sut.execute();
    while (!api.points.some(([, p]) => p.keyframeIntervalSeconds !== null)) {
      if (api.events.some((e) => e.type === 'ended')) break;
      await sleep(100);
    }
    const during = parsePrometheusText(await registry.metrics());
    expect(await done).toBe('ended');

    expect(findSamples(during, 'onda_worker_live_sessions')[0]?.value).toBe(1);
    expect(findSamples(during, 'onda_live_transcode_fps', { broadcast: broadcastLabel(sessionId) })).toHaveLength(1);
    const measured = api.points.map(([, p]) => p).find((p) => p.keyframeIntervalSeconds !== null);
    expect(measured).toMatchObject({ keyframeIntervalSeconds: 2 });
    expect(measured!.bitrateKbps).toBeGreaterThan(100);
    for (const [id, p] of api.points) {
      expect(id).toBe(sessionId);
      expect(p.droppedFrames).toBe(0);
    }
    // ffmpeg reports fps 0 for its first moments, then about the source's 25 (an input read in real time).
    const last = api.points.at(-1)![1];
    expect(last.fps).toBeGreaterThan(10);
    expect(last.speed).toBeGreaterThan(0);
    // Once the broadcast is over its series are gone.
    const after = parsePrometheusText(await registry.metrics());
    expect(findSamples(after, 'onda_worker_live_sessions')[0]?.value).toBe(0);
    expect(after.samples.filter((s) => s.labels.live_session_id === sessionId)).toEqual([]);
  });
});
