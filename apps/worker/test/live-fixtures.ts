import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterEach, beforeEach, expect } from 'vitest';
import type { LiveJob, WorkerEvent } from '@onda/contracts';
import { LiveSession, type LiveSessionOptions } from '../src/live.session.js';
import { FakeWorkerApi } from './fake-worker-api.js';
import { MemoryStorage } from './memory-storage.js';

const exec = promisify(execFile);

/** Polls `cond` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A 60 s 854x480 15 fps H.264 + AAC file in `dir`, as an encoder sends it (the recording copies it; raw lavfi
 * frames cannot go into MP4). Returns its path.
 */
export async function encodedSource(dir: string): Promise<string> {
  const source = join(dir, 'source.mp4');
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=15:duration=60', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-c:a', 'aac', source]);
  return source;
}

/**
 * A fresh folder under the OS temp dir for each test of the enclosing `describe` (`prefix` names it), removed after
 * the test. Call the returned function inside a test to get the current one.
 */
export function scratchDirPerTest(prefix: string): () => string {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}

/** A test's live session: its job (over the defaults below), whether the fake API reports the publisher connected, its other options. */
export type TestSessionSetup = Partial<Omit<LiveSessionOptions, 'job' | 'storage' | 'api' | 'scratchDir'>> & {
  job: Pick<LiveJob, 'segmentSeconds' | 'source'> & Partial<LiveJob>;
  publisherConnected: boolean;
};

/**
 * A LiveSession in `scratchDir` over in-memory storage and a fake API whose session is live. The job has fresh ids (or the given session id),
 * the default profile without passthrough, storage under `live/<sessionId>`, and a pull URL nothing reads (tests
 * replace the input). The logger is silent unless the setup gives one. `key(name)` is a name's storage key.
 */
export function testSession(scratchDir: string, { job: over, publisherConnected, ...options }: TestSessionSetup) {
  const sessionId = over.sessionId ?? randomUUID();
  const job: LiveJob = {
    sessionId, channelId: randomUUID(), pullUrl: 'rtmp://unused/live/x', profile: 'default', passthrough: false,
    storagePrefix: `live/${sessionId}`, ...over,
  };
  const storage = new MemoryStorage();
  const api = new FakeWorkerApi({ id: sessionId, state: 'live', publisherConnected });
  const sut = new LiveSession({ logger: pino({ level: 'silent' }), ...options, job, storage, api, scratchDir });
  return { sessionId, job, storage, api, sut, key: (name: string): string => `live/${sessionId}/${name}` };
}

/**
 * A live session of a 480p15 source whose first ffmpeg run cannot keep up: run 0 reads its input at 0.75x real
 * time (to the worker exactly like an encode that falls behind the wall clock, without burning the shared CPU to
 * get there), run 1 keeps real time, and the third run ends by itself after 6 s. Overload thresholds are short so
 * a shed and a step back up happen within a test.
 */
export async function overloadedSession(scratchDir: string, over: Pick<LiveJob, 'segmentSeconds'> & Partial<LiveJob>) {
  const source = await encodedSource(scratchDir);
  return testSession(scratchDir, {
    job: { recording: true, source: { width: 854, height: 480, fps: 15, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' }, ...over },
    publisherConnected: true, freeCores: 8, archiveChunkSeconds: 4,
    overload: { warmupMs: 2000, speedWindowMs: 3000, slowForMs: 3000, upAfterMs: 8000 },
    // Run 0 is held below real time (the shed); run 1 is fed 10 % faster than real time, so a busy test box (other
    // specs' ffmpegs on the same two cores) does not read as a second overload before the step back up.
    input: (run) => ({ args: run === 0 ? ['-readrate', '0.75'] : run === 1 ? ['-readrate', '1.1'] : ['-re', '-t', '6'], url: source }),
  });
}

/**
 * Runs an overloadedSession through its shed and its step back up: ready, the top rung shed (level 1 of 3, 360p
 * alone encoded) until `shedGrows` holds (the shed variant still growing), restored (level 0), then the publisher
 * leaves and the session ends. The master went up once and never changed. Returns the two degraded events.
 */
export async function expectShedAndRestore(
  { sut, api, storage, key }: Awaited<ReturnType<typeof overloadedSession>>,
  shedGrows: { what: string; cond: () => boolean },
): Promise<Extract<WorkerEvent, { type: 'degraded' }>[]> {
  const done = sut.execute();
  const degraded = (): Extract<WorkerEvent, { type: 'degraded' }>[] => api.events.filter((e) => e.type === 'degraded');
  await waitFor('ready', () => api.events.some((e) => e.type === 'ready'));
  const master = storage.text(key('master.m3u8'))!;
  await waitFor('shed', () => degraded().length === 1);
  expect(degraded()[0]).toMatchObject({ type: 'degraded', level: 1, maxLevel: 3, renditions: ['360p'] });
  await waitFor(shedGrows.what, shedGrows.cond);
  await waitFor('restore', () => degraded().length === 2);
  expect(degraded()[1]).toEqual({ type: 'degraded', level: 0, maxLevel: 3, reason: null, renditions: ['480p', '360p'] });
  api.view = { ...api.view, publisherConnected: false };
  expect(await done).toBe('ended');
  // One master, written once: viewers' URL and variants never changed.
  expect(storage.writes.filter((k) => k === key('master.m3u8'))).toHaveLength(1);
  expect(storage.text(key('master.m3u8'))).toBe(master);
  return degraded();
}
