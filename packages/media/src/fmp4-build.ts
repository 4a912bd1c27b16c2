/**
 * Writes ISO BMFF boxes, the inverse of fmp4-boxes.ts's reader: for specs that feed synthetic fMP4 (init
 * segments, moof/mdat fragments) to the reader or to the low-latency packager. Exported as `@onda/media/fmp4-build`.
 */

/** A box: 32-bit size, four-character type, then the payload. */
export const box = (type: string, ...payload: Buffer[]): Buffer => {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};

/** Unsigned 32-bit big-endian fields, one after another. */
export const u32 = (...v: number[]): Buffer => {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeUInt32BE(x >>> 0, i * 4));
  return b;
};

/** Sample flags of a non-sync sample (sample_is_non_sync_sample). */
export const NON_SYNC = 0x00010000;
