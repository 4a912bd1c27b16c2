import { describe, expect, it } from 'vitest';
import { BoxReader, parseMoof, type InitTrack } from './fmp4-boxes.js';
import { box, NON_SYNC, u32 } from './fmp4-build.js';


/** A moof with one video traf: tfhd default flags non-sync, tfdt v1, trun with durations and first-sample flags. */
function moof(opts: { firstSync: boolean; durations: number[]; decodeTime: bigint }): Buffer {
  const tfhd = box('tfhd', u32(0x020020, 1, NON_SYNC)); // default-base-is-moof + default-sample-flags
  const tfdtBody = Buffer.alloc(12);
  tfdtBody.writeUInt32BE(0x01000000, 0);
  tfdtBody.writeBigUInt64BE(opts.decodeTime, 4);
  const tfdt = box('tfdt', tfdtBody);
  const trun = box('trun', u32(0x000105, opts.durations.length, 0, opts.firstSync ? 0x02000000 : NON_SYNC), u32(...opts.durations));
  return box('moof', box('mfhd', u32(0, 1)), box('traf', tfhd, tfdt, trun));
}

const init: InitTrack[] = [{ trackId: 1, handler: 'vide', timescale: 15360, defaultSampleDuration: 0, defaultSampleFlags: 0 }];

describe(BoxReader.name, () => {
  it('hands out complete top-level boxes however the stream is chunked', () => {
    const stream = Buffer.concat([box('ftyp', Buffer.from('isom')), box('moof', Buffer.alloc(20)), box('mdat', Buffer.alloc(1000))]);
    const sut = new BoxReader();
    const got: string[] = [];
    for (let i = 0; i < stream.length; i += 7) got.push(...sut.push(stream.subarray(i, i + 7)).map((b) => `${b.type}:${b.data.length}`));
    expect(got).toEqual(['ftyp:12', 'moof:28', 'mdat:1008']);
    expect(sut.pending).toBe(0);
  });
  it('refuses a corrupt box size', () => {
    expect(() => new BoxReader().push(u32(3, 0))).toThrow(/invalid MP4 box size/);
  });
});

describe(parseMoof.name, () => {
  it('reads decode time, duration and whether the first sample is a keyframe', () => {
    expect(parseMoof(moof({ firstSync: true, durations: Array(10).fill(512), decodeTime: 5n * 2n ** 32n }), init)).toEqual([
      { trackId: 1, baseDecodeTime: 5 * 2 ** 32, sampleCount: 10, duration: 5120, startsWithSync: true },
    ]);
    expect(parseMoof(moof({ firstSync: false, durations: [512, 500], decodeTime: 0n }), init)[0]).toMatchObject({ duration: 1012, startsWithSync: false });
  });
});
