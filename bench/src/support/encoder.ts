import { barcodeFilter } from './barcode.js';
import { run, type Proc } from './process.js';

/** Source frame rate of every synthetic encoder here. */
export const ENCODER_FPS = 30;

/**
 * Pushes a live 1280x720@30 test pattern with a 440 Hz tone over RTMP at real-time speed, as OBS
 * would (x264 veryfast zerolatency, 2 s GOP). With `barcode`, the frame number is burned into the picture.
 */
export function publish(rtmpUrl: string, opts: { seconds: number; barcode?: boolean }): Proc {
  const args = ['-hide_banner', '-loglevel', 'warning', '-nostdin', '-re', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${ENCODER_FPS}`];
  args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (opts.barcode) args.push('-vf', barcodeFilter(1280));
  args.push('-t', String(opts.seconds));
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', '128k');
  args.push('-f', 'flv', rtmpUrl);
  return run('publisher', 'ffmpeg', args);
}
