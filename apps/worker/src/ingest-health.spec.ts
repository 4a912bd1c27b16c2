import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestHealthPoint } from '@onda/contracts';
import type { FfmpegProgress } from '@onda/media';
import { broadcastLabel, createMetricsRegistry, findSamples, liveTranscodeMetrics, parsePrometheusText } from '@onda/observability';
import { IngestHealthSampler, newestSourceCopy, type SourceMeasure } from './ingest-health.js';
import { withContext, type Logger } from './logger.js';

const progress = (p: Partial<FfmpegProgress>): FfmpegProgress => ({ frame: 100, fps: 30, bitrateKbps: null, speed: 1, dropFrames: 0, outTimeSeconds: 4, ...p });

function memoryLogger(): Logger & { lines: Array<{ level: string; fields: unknown; msg: unknown }> } {
  const lines: Array<{ level: string; fields: unknown; msg: unknown }> = [];
  const at = (level: string) => (fields: unknown, msg?: unknown) => void lines.push({ level, fields, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as never;
}

describe(IngestHealthSampler.name, () => {
  it('posts fps, speed and dropped frames from ffmpeg with the measured source, and sets the gauges', async () => {
    const posted: Array<[string, IngestHealthPoint]> = [];
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const measured: string[] = [];
    let file: string | null = null;
    const sut = new IngestHealthSampler({
      liveSessionId: 's1',
      api: { health: async (id, point) => void posted.push([id, point]) },
      logger: memoryLogger(),
      metrics: liveTranscodeMetrics(registry),
      sourceFile: async () => file,
      measure: async (f): Promise<SourceMeasure> => {
        measured.push(f);
        return { bitrateKbps: 4321.5, keyframeIntervalSeconds: 2 };
      },
      now: () => new Date('2026-03-01T12:00:10.000Z'),
    });
    let current: FfmpegProgress | null = null;
    sut.attach(() => current);
    expect(await sut.sample()).toBeNull(); // ffmpeg has not reported yet

    current = progress({ fps: 29.976, speed: 1.01, dropFrames: 3 });
    expect(await sut.sample()).toEqual({
      at: '2026-03-01T12:00:10.000Z', bitrateKbps: 0, fps: 29.98, keyframeIntervalSeconds: null, droppedFrames: 3, speed: 1.01,
    });
    file = '/scratch/s1/archive/r0_00000.mp4';
    current = progress({ dropFrames: 10 });
    expect(await sut.sample()).toMatchObject({ bitrateKbps: 4321.5, keyframeIntervalSeconds: 2, droppedFrames: 7 });
    await sut.sample();
    expect(measured).toEqual([file]); // each file is measured once

    // A restarted ffmpeg counts from zero again.
    sut.attach(() => progress({ dropFrames: 1 }));
    expect((await sut.sample())?.droppedFrames).toBe(1);
    expect(posted.map(([id]) => id)).toEqual(['s1', 's1', 's1', 's1']);

    const parsed = parsePrometheusText(await registry.metrics());
    expect(findSamples(parsed, 'onda_live_source_bitrate_kbps', { broadcast: broadcastLabel('s1') })[0]?.value).toBe(4321.5);
    expect(findSamples(parsed, 'onda_live_dropped_frames_total', { broadcast: broadcastLabel('s1') })[0]?.value).toBe(11);
    await sut.close();
    expect(parsePrometheusText(await registry.metrics()).samples.filter((s) => s.labels.live_session_id === 's1')).toEqual([]);
  });

  it('logs a failed post at debug and goes on', async () => {
    const logger = memoryLogger();
    const sut = new IngestHealthSampler({
      liveSessionId: 's1', logger, sourceFile: async () => null,
      api: { health: async () => Promise.reject(new Error('HTTP 404')) },
    });
    sut.attach(() => progress({}));
    expect(await sut.sample()).not.toBeNull();
    expect(logger.lines).toEqual([{ level: 'debug', fields: { err: expect.any(Error) }, msg: 'could not post an ingest health sample' }]);
    await sut.close();
  });
});

describe(newestSourceCopy.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onda-health-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes the archive chunk before the one being written, else the newest passthrough segment', async () => {
    const archive = join(dir, 'archive');
    const passthrough = join(dir, 'source');
    for (const d of [archive, passthrough]) await mkdir(d);
    expect(await newestSourceCopy({ archiveDir: archive, passthroughDir: passthrough })).toBeNull();
    for (const n of ['r0_00009.ts', 'r1_00000.ts', 'r1_00001.ts.tmp', 'index.m3u8']) await writeFile(join(passthrough, n), 'x');
    expect(await newestSourceCopy({ archiveDir: archive, passthroughDir: passthrough })).toBe(join(passthrough, 'r1_00000.ts'));
    await writeFile(join(archive, 'r0_00000.mp4'), 'x');
    // Only the chunk being written: nothing complete in the archive yet.
    expect(await newestSourceCopy({ archiveDir: archive })).toBeNull();
    for (const n of ['r0_00001.mp4', 'r1_00000.mp4']) await writeFile(join(archive, n), 'x');
    expect(await newestSourceCopy({ archiveDir: archive, passthroughDir: passthrough })).toBe(join(archive, 'r0_00001.mp4'));
    expect(await newestSourceCopy({ archiveDir: join(dir, 'missing') })).toBeNull();
  });
});

describe(withContext.name, () => {
  it('adds the bindings to every line of a logger that has no child()', () => {
    const logger = memoryLogger();
    const sut = withContext(logger, { liveSessionId: 's1' });
    sut.info({ run: 2 }, 'ffmpeg exited');
    sut.warn('plain message');
    const err = new Error('boom');
    sut.error(err, 'failed');
    expect(logger.lines).toEqual([
      { level: 'info', fields: { liveSessionId: 's1', run: 2 }, msg: 'ffmpeg exited' },
      { level: 'warn', fields: { liveSessionId: 's1' }, msg: 'plain message' },
      { level: 'error', fields: { liveSessionId: 's1', err }, msg: 'failed' },
    ]);
  });
});
