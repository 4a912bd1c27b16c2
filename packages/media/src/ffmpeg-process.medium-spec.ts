import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegProcess, splitArgs, type FfmpegProgress } from './ffmpeg-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onda-ffproc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Real time (-re) so the process is still running when the test stops it.
const liveArgs = (out: string): string[] => ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'event', out];

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

describe(FfmpegProcess.name, () => {
  it('reports progress and stops with SIGINT so outputs are finalised', async () => {
    const out = join(dir, 'stop.m3u8');
    const sut = FfmpegProcess.start(liveArgs(out));
    const progress = await new Promise<FfmpegProgress>((resolve) => sut.on('progress', (p) => p.frame && p.frame > 10 && resolve(p)));
    expect(progress.fps).not.toBeNull();
    expect(progress.dropFrames).toBe(0);
    expect(sut.pid).toBeGreaterThan(0);
    const exit = await sut.stop();
    expect(exit.reason).toBeNull();
    // ffmpeg only writes ENDLIST when it shut down cleanly.
    expect(await readFile(out, 'utf8')).toContain('#EXT-X-ENDLIST');
  });

  it('explains a kill from outside', async () => {
    const sut = FfmpegProcess.start(liveArgs(join(dir, 'kill.m3u8')));
    await new Promise((resolve) => sut.once('progress', resolve));
    process.kill(sut.pid!, 'SIGKILL');
    expect(await sut.exited).toEqual({ code: null, signal: 'SIGKILL', reason: 'ffmpeg was killed by SIGKILL' });
  });

  it('classifies a refused input connection from stderr', async () => {
    const port = await freePort();
    const sut = FfmpegProcess.start(['-i', `rtmp://127.0.0.1:${port}/live/x`, '-f', 'null', '-']);
    const exit = await sut.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.reason).toBe('The input refused the connection (is the ingest running?)');
    expect(sut.stderrTail().some((l) => l.includes('Connection refused'))).toBe(true);
  });

  it('reports a missing binary instead of throwing', async () => {
    const sut = FfmpegProcess.start(['-f', 'lavfi', '-i', 'nullsrc', '-t', '1', '-f', 'null', '-'], { ffmpegPath: '/nonexistent/ffmpeg' });
    expect(await sut.exited).toEqual({ code: null, signal: null, reason: 'ffmpeg not found at "/nonexistent/ffmpeg"' });
  });
});

describe('splitArgs', () => {
  it('maps a flat argument list onto inputs and one output, keeping values with spaces whole', () => {
    const sut = splitArgs(['-hide_banner', '-f', 'lavfi', '-i', 'testsrc2', '-f', 'lavfi', '-i', 'sine', '-var_stream_map', 'v:0,a:0 v:1,a:1', '-f', 'hls', 'out/%v/index.m3u8']);
    expect(sut).toEqual({
      inputs: [
        { options: ['-hide_banner', '-f', 'lavfi'], source: 'testsrc2' },
        { options: ['-f', 'lavfi'], source: 'sine' },
      ],
      output: { options: ['-var_stream_map', 'v:0,a:0 v:1,a:1', '-f', 'hls'], target: 'out/%v/index.m3u8' },
    });
  });

  it('refuses a command without input', () => {
    expect(() => splitArgs(['-version'])).toThrow(/-i <input>/);
  });
});

describe('FfmpegProcess niceness', () => {
  it('runs ffmpeg at the requested niceness', async () => {
    const sut = FfmpegProcess.start(['-re', '-f', 'lavfi', '-i', 'nullsrc=size=64x64:rate=10', '-t', '3', '-f', 'null', '-'], { niceness: 10 });
    let pid: number | undefined;
    for (let i = 0; i < 50 && pid === undefined; i++) {
      pid = sut.pid;
      await new Promise((r) => setTimeout(r, 20));
    }
    // /proc/<pid>/stat field 19 is the nice value.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(10);
    await sut.stop();
  });
});
