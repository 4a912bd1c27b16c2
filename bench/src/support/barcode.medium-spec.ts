import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { barcodeCentres, barcodeFilter, decodeBarcode } from './barcode.js';

const exec = promisify(execFile);

/** Frame `n` of the benchmark's encoder chain (barcode burned in, then x264 as the publisher does), as 8-bit luma. */
async function renderFrame(n: number): Promise<Buffer> {
  const { stdout } = await exec('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-vf', `${barcodeFilter(1280)},select=eq(n\\,${n})`, '-frames:v', '1',
    // Through a lossy encode and back, like the real pipeline (the raw frame would make this test too kind).
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '35', '-f', 'h264', 'pipe:1',
  ], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const decoded = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, out) => (err ? reject(err) : resolve(out)));
    child.stdin!.end(stdout);
  });
  return decoded;
}

describe(barcodeFilter.name, () => {
  it('burns a frame number that survives a lossy encode and decodes back exactly', { timeout: 60_000 }, async () => {
    for (const n of [1, 173]) {
      const gray = await renderFrame(n);
      expect(gray.length).toBe(1280 * 720);
      const lumas = barcodeCentres(1280, 720).map(({ x, y }) => gray[y * 1280 + x]!);
      expect(decodeBarcode(lumas)).toBe(n);
    }
  });
});
