import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { LiveJob } from '@onda/contracts';
import { LiveSession } from '../src/live.session.js';
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
 * A live session of a 480p15 source whose first ffmpeg run cannot keep up: run 0 reads its input at 0.75x real
 * time (to the worker exactly like an encode that falls behind the wall clock, without burning the shared CPU to
 * get there), run 1 keeps real time, and the third run ends by itself after 6 s. Overload thresholds are short so
 * a shed and a step back up happen within a test.
 */
export async function overloadedSession(scratchDir: string, over: Pick<LiveJob, 'segmentSeconds'> & Partial<LiveJob>) {
  const sessionId = randomUUID();
  const job: LiveJob = {
    sessionId, channelId: randomUUID(), pullUrl: 'rtmp://unused/live/x', profile: 'default', passthrough: false,
    storagePrefix: `live/${sessionId}`, recording: true,
    source: { width: 854, height: 480, fps: 15, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' },
    ...over,
  };
  const source = await encodedSource(scratchDir);
  const storage = new MemoryStorage();
  const api = new FakeWorkerApi({ id: sessionId, state: 'live', publisherConnected: true });
  const sut = new LiveSession({
    job, storage, api, scratchDir, logger: pino({ level: 'silent' }), freeCores: 8, archiveChunkSeconds: 4,
    overload: { warmupMs: 2000, speedWindowMs: 3000, slowForMs: 3000, upAfterMs: 8000 },
    // Run 0 is held below real time (the shed); run 1 is fed 10 % faster than real time, so a busy test box (other
    // specs' ffmpegs on the same two cores) does not read as a second overload before the step back up.
    input: (run) => ({ args: run === 0 ? ['-readrate', '0.75'] : run === 1 ? ['-readrate', '1.1'] : ['-re', '-t', '6'], url: source }),
  });
  return { sessionId, storage, api, sut, key: (name: string): string => `live/${sessionId}/${name}` };
}
