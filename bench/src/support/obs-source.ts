import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { BARCODE_BITS, barcodeFilter } from './barcode.js';
import { repoRoot } from './platform.js';
import { run, type Proc } from '@onda/testing';

/** What an OBS user sends with x264 defaults: the source every live-latency contender receives. */
export interface ObsSource {
  file: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  /** The encoder settings, for the results file. */
  settings: string;
}

export const OBS_WIDTH = 1920;
export const OBS_HEIGHT = 1080;
const cacheDir = path.join(repoRoot, 'bench/out/cache');

/**
 * Encodes the OBS-like source once into bench/out/cache (kept between runs): 1080p at `fps`, x264 high
 * profile with 2 B-frames, CBR 6 Mb/s with HRD signalling (maxrate = bitrate, 1 s VBV like OBS), a
 * keyframe every 2 s, AAC-LC 48 kHz stereo 160 kb/s, in FLV as OBS sends over RTMP. The frame number is
 * burnt into the top band as a barcode, so a viewer's displayed frame tells its source media time.
 */
export function obsSource(fps: number, seconds: number, height = OBS_HEIGHT): ObsSource {
  // Other sizes (--live-height) are for functional checks on a busy machine: same settings, the
  // bitrate scaled with the picture (at least 800 kb/s).
  if (fps * seconds >= 2 ** BARCODE_BITS) throw new Error(`a ${seconds} s source at ${fps} fps has more frames than the ${BARCODE_BITS}-bit barcode can number`);
  const width = Math.round((height * 16) / 9 / 2) * 2;
  const kbps = height === OBS_HEIGHT ? 6000 : Math.max(800, Math.round((6000 * width * height) / (OBS_WIDTH * OBS_HEIGHT)));
  const settings = `x264 veryfast high profile, bf 2, CBR ${kbps}k (nal-hrd=cbr, maxrate ${kbps}k, bufsize ${kbps}k), keyint ${2 * fps} (2 s, no scene cut), AAC-LC 48 kHz stereo 160k, FLV`;
  const file = path.join(cacheDir, `obs-${height}p${fps}-${seconds}s.flv`);
  const source = { file, width, height, fps, seconds, settings };
  if (existsSync(file)) return source;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.part.flv`;
  const gop = String(2 * fps);
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-vf', barcodeFilter(width), '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-pix_fmt', 'yuv420p',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`, '-x264-params', 'nal-hrd=cbr:force-cfr=1',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '160k', '-ar', '48000', '-ac', '2',
    '-f', 'flv', partial,
  ], { stdio: 'inherit' });
  renameSync(partial, file);
  return source;
}

/** The publisher, and when it began sending media (Date.now()), or its spawn time if that was not seen. */
export interface ObsPublisher extends Proc {
  sending: Promise<number>;
}

/**
 * A separate process replaying the file in real time with stream copy, as an encoder on another machine
 * would. ffmpeg opens the RTMP output (handshake, connect, publish, waiting for the server's
 * NetStream.Publish.Start) before its `-re` clock starts, so frame n leaves n/fps after the server
 * accepted the publish, not after the spawn: `sending` is that moment, read from the "Output #0" line
 * ffmpeg prints as it writes the first packets. Glass-to-glass counts from there; publish-to-playable
 * from the spawn (a streamer's "Go live" click includes the handshake).
 */
export function publishObs(source: ObsSource, rtmpUrl: string): ObsPublisher {
  const proc = run('publisher', 'ffmpeg', ['-hide_banner', '-loglevel', 'info', '-nostats', '-nostdin', '-re', '-i', source.file, '-c', 'copy', '-f', 'flv', rtmpUrl]);
  const sending = new Promise<number>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4000);
      if (seen.includes('Output #0')) {
        proc.child.stderr?.off('data', onData);
        resolve(Date.now());
      }
    };
    proc.child.stderr?.on('data', onData);
    void proc.exited.then(() => resolve(proc.spawnedAt));
  });
  return Object.assign(proc, { sending });
}
