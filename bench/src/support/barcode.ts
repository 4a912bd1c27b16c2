/** Bits of the frame-number barcode: 2^16 frames = 36 min at 30 fps, far longer than any run. */
export const BARCODE_BITS = 16;
/** Height of the barcode band at the top of the picture, in source pixels. */
export const BARCODE_HEIGHT = 48;

/**
 * An ffmpeg -vf chain that burns the frame number n into the top band of a `width`-wide picture:
 * a black band, then box k filled white when bit k of n is set (least significant bit on the left).
 */
export function barcodeFilter(width: number, bits = BARCODE_BITS, height = BARCODE_HEIGHT): string {
  const box = Math.floor(width / bits);
  const chain = [`drawbox=x=0:y=0:w=${width}:h=${height}:color=black:t=fill`];
  for (let k = 0; k < bits; k++) {
    // Quoted so the commas of the expression stay inside this filter's option.
    chain.push(`drawbox=x=${k * box}:y=0:w=${box}:h=${height}:color=white:t=fill:enable='eq(mod(floor(n/${2 ** k}),2),1)'`);
  }
  return chain.join(',');
}

/** Centres of the barcode boxes, in the coordinates of a picture `width` wide whose source was `sourceWidth` wide. */
export function barcodeCentres(width: number, height: number, sourceWidth = 1280, sourceHeight = 720, bits = BARCODE_BITS): Array<{ x: number; y: number }> {
  const box = Math.floor(sourceWidth / bits);
  const sx = width / sourceWidth;
  const sy = height / sourceHeight;
  return Array.from({ length: bits }, (_, k) => ({ x: Math.round((k * box + box / 2) * sx), y: Math.round((BARCODE_HEIGHT / 2) * sy) }));
}

/** The frame number from the luma at each box centre (bit k = box k), thresholded at mid-grey. */
export function decodeBarcode(lumas: readonly number[], threshold = 128): number {
  return lumas.reduce((n, luma, k) => (luma >= threshold ? n + 2 ** k : n), 0);
}

/**
 * Whether decoded frame numbers are trustworthy: never decreasing, and never a frame the encoder
 * cannot have produced yet (n / fps seconds after it was spawned).
 */
export function plausibleFrames(samples: ReadonlyArray<{ frame: number; at: number }>, spawnedAt: number, fps: number): boolean {
  return samples.every((s, i) => {
    const previous = samples[i - 1];
    const monotonic = previous === undefined || s.frame >= previous.frame;
    return monotonic && s.frame > 0 && spawnedAt + (s.frame * 1000) / fps <= s.at;
  });
}
