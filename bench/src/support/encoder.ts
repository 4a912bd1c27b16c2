import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { barcodeFilter } from './barcode.js';
import { run, type Proc } from '@onda/testing';

/** Source frame rate of every synthetic encoder here. */
export const ENCODER_FPS = 30;

const cacheDir = mkdtempSync(path.join(tmpdir(), 'onda-bench-src-'));

/**
 * The encoder's output, made once: a 1280x720@30 test pattern with a 440 Hz tone, H.264 with a 2 s
 * GOP as OBS would send (with `barcode`, the frame number burned into the picture). In production
 * the encoder runs on the streamer's machine, not on the server, so its CPU must not be charged to
 * the server being measured: the benches replay this file in real time instead of encoding live.
 */
function encoderOutput(seconds: number, barcode: boolean): string {
  const file = path.join(cacheDir, `source-${seconds}s${barcode ? '-barcode' : ''}.flv`);
  if (existsSync(file)) return file;
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${ENCODER_FPS}`];
  args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (barcode) args.push('-vf', barcodeFilter(1280));
  args.push('-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', '3000k', '-g', '60', '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', '128k', file);
  execFileSync('ffmpeg', args, { stdio: 'inherit' });
  return file;
}

/** Pushes the encoder's output over RTMP at real-time speed (`-re`, stream copy), as OBS would. */
export function publish(rtmpUrl: string, opts: { seconds: number; barcode?: boolean }): Proc {
  const source = encoderOutput(opts.seconds, opts.barcode ?? false);
  return run('publisher', 'ffmpeg', ['-hide_banner', '-loglevel', 'warning', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', rtmpUrl]);
}
