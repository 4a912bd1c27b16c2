/**
 * Just enough ISO-BMFF (fragmented MP4) reading for the LL-HLS packager: split a byte stream into
 * top-level boxes, and read from a `moof` each track's decode time, duration and whether its first
 * sample is a sync sample (the part is then INDEPENDENT=YES).
 */

/** One complete top-level box. */
export interface Box {
  type: string;
  /** The whole box, header included. */
  data: Buffer;
}

/** Accumulates a byte stream (ffmpeg's fMP4 on a socket) and hands out complete top-level boxes. */
export class BoxReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns the boxes completed by them, in order. */
  push(chunk: Buffer): Box[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Box[] = [];
    for (;;) {
      if (this.buf.length < 8) break;
      let size = this.buf.readUInt32BE(0);
      if (size === 1) {
        if (this.buf.length < 16) break;
        size = Number(this.buf.readBigUInt64BE(8));
      }
      if (size < 8) throw new Error(`invalid MP4 box size ${size}`);
      if (this.buf.length < size) break;
      out.push({ type: this.buf.toString('latin1', 4, 8), data: this.buf.subarray(0, size) });
      this.buf = this.buf.subarray(size);
    }
    return out;
  }

  /** Bytes of an incomplete box still held. */
  get pending(): number {
    return this.buf.length;
  }
}

/** Child boxes of a container box's payload (`start` = offset of the first child). */
function children(box: Buffer, start = 8): Map<string, Buffer[]> {
  const out = new Map<string, Buffer[]>();
  let off = start;
  while (off + 8 <= box.length) {
    const size = box.readUInt32BE(off);
    if (size < 8 || off + size > box.length) break;
    const type = box.toString('latin1', off + 4, off + 8);
    const list = out.get(type) ?? [];
    list.push(box.subarray(off, off + size));
    out.set(type, list);
    off += size;
  }
  return out;
}

const first = (m: Map<string, Buffer[]>, type: string): Buffer | undefined => m.get(type)?.[0];

/** A track as the init segment (`moov`) describes it. */
export interface InitTrack {
  trackId: number;
  /** `vide`, `soun`, ... */
  handler: string;
  timescale: number;
  defaultSampleDuration: number;
  defaultSampleFlags: number;
}

/** Reads the tracks of a `moov` box (the init segment's). */
export function parseInit(moov: Buffer): InitTrack[] {
  const top = children(moov);
  const trex = new Map<number, { duration: number; flags: number }>();
  for (const t of children(first(top, 'mvex') ?? Buffer.alloc(8)).get('trex') ?? []) {
    // version/flags(4) track_ID(4) default_sample_description_index(4) duration(4) size(4) flags(4)
    trex.set(t.readUInt32BE(12), { duration: t.readUInt32BE(20), flags: t.readUInt32BE(28) });
  }
  return (top.get('trak') ?? []).map((trak) => {
    const tk = children(trak);
    const tkhd = first(tk, 'tkhd')!;
    const trackId = tkhd.readUInt32BE(tkhd[8] === 1 ? 28 : 20);
    const mdia = children(first(tk, 'mdia')!);
    const mdhd = first(mdia, 'mdhd')!;
    const timescale = mdhd.readUInt32BE(mdhd[8] === 1 ? 28 : 20);
    const hdlr = first(mdia, 'hdlr')!;
    const d = trex.get(trackId);
    return { trackId, handler: hdlr.toString('latin1', 16, 20), timescale, defaultSampleDuration: d?.duration ?? 0, defaultSampleFlags: d?.flags ?? 0 };
  });
}

/** One track's run inside a `moof`. */
export interface FragmentTrack {
  trackId: number;
  /** `tfdt` base media decode time, in the track's timescale. */
  baseDecodeTime: number;
  sampleCount: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  /** The first sample is a sync sample (a keyframe for video). */
  startsWithSync: boolean;
}

const NON_SYNC = 0x00010000;

/** Reads every `traf` of a `moof` (defaults from the init segment's `trex`). */
export function parseMoof(moof: Buffer, init: readonly InitTrack[]): FragmentTrack[] {
  return (children(moof).get('traf') ?? []).map((traf) => {
    const tr = children(traf);
    const tfhd = first(tr, 'tfhd')!;
    const tfhdFlags = tfhd.readUInt32BE(8) & 0xffffff;
    const trackId = tfhd.readUInt32BE(12);
    const defaults = init.find((t) => t.trackId === trackId);
    let off = 16;
    if (tfhdFlags & 0x01) off += 8; // base-data-offset
    if (tfhdFlags & 0x02) off += 4; // sample-description-index
    let defDuration = defaults?.defaultSampleDuration ?? 0;
    if (tfhdFlags & 0x08) defDuration = tfhd.readUInt32BE((off += 4) - 4);
    if (tfhdFlags & 0x10) off += 4; // default-sample-size
    let defFlags = defaults?.defaultSampleFlags ?? 0;
    if (tfhdFlags & 0x20) defFlags = tfhd.readUInt32BE(off);

    const tfdt = first(tr, 'tfdt');
    const baseDecodeTime = !tfdt ? 0 : tfdt[8] === 1 ? Number(tfdt.readBigUInt64BE(12)) : tfdt.readUInt32BE(12);

    let sampleCount = 0;
    let duration = 0;
    let firstFlags: number | null = null;
    for (const trun of tr.get('trun') ?? []) {
      const flags = trun.readUInt32BE(8) & 0xffffff;
      const count = trun.readUInt32BE(12);
      let p = 16;
      if (flags & 0x01) p += 4; // data-offset
      let firstSampleFlags: number | null = null;
      if (flags & 0x04) firstSampleFlags = trun.readUInt32BE((p += 4) - 4);
      for (let i = 0; i < count; i++) {
        let d = defDuration;
        let f = i === 0 && firstSampleFlags !== null ? firstSampleFlags : defFlags;
        if (flags & 0x100) d = trun.readUInt32BE((p += 4) - 4);
        if (flags & 0x200) p += 4;
        if (flags & 0x400) f = trun.readUInt32BE((p += 4) - 4);
        if (flags & 0x800) p += 4;
        duration += d;
        if (sampleCount === 0 && i === 0) firstFlags = f;
      }
      sampleCount += count;
    }
    return { trackId, baseDecodeTime, sampleCount, duration, startsWithSync: firstFlags !== null && (firstFlags & NON_SYNC) === 0 };
  });
}
