import type { LlPart, LlPlaylistModel, LlSegment } from '@onda/contracts';
import { BoxReader, llLeadSegmentEnds, parseInit, parseMoof, type InitTrack } from '@onda/media';
import type { ObjectStorage } from '@onda/storage';
import { HeldParts } from './ll-held-parts.js';
import type { Logger } from './logger.js';
import { PLAYLIST_TYPE, SEGMENT_CACHE } from './playlist-publisher.js';
import { retry, type RetryOptions } from './retry.js';

/** Segments kept in the LL model (the live window players see); the replay playlist keeps them all. */
const WINDOW_SEGMENTS = 30;
/** Complete segments that still list their parts (the spec: about three target durations). */
const PART_SEGMENTS = 3;
const MODEL_CACHE = 'no-store';

/** How many of a run's lead segments end at or before its part number `seq` (a segment start). */
export function leadSegmentsBefore(seq: number, lead: readonly number[]): number {
  return llLeadSegmentEnds(lead).filter((end) => end <= seq).length;
}

/** A segment of the whole broadcast (the replay playlist `index.m3u8`). */
interface HistoryEntry {
  msn: number;
  uri: string;
  duration: number;
  discontinuity: boolean;
  map: string;
  programDateTime: string;
}

export interface LlPackagerOptions {
  storage: ObjectStorage;
  /** Storage folder of this rendition, e.g. `live/<session>/720p`. */
  keyPrefix: string;
  rendition: string;
  renditions: string[];
  partTarget: number;
  targetDuration: number;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** Tells the API (and through it every API node) that the model changed; after the objects are stored. */
  announce: (model: LlPlaylistModel) => Promise<void>;
  /** Called after each part is stored and announced. */
  onPart?: () => void;
  /** Called after each part a hand-over's successor holds (see hold()). */
  onHeld?: () => void;
  /**
   * Parts of a run's first segments (LL_LEAD_SEGMENT_PARTS): each is closed as soon as it has them, without
   * waiting for the next keyframe part (ffmpeg is told to put one there). Players start once a segment is complete.
   */
  leadSegmentParts?: readonly number[];
}

/**
 * The LL-HLS packager of one rendition: reads ffmpeg's fMP4 stream (init once, then a moof+mdat per
 * ~1/3 s), stores every fragment as a part object, closes a segment (the byte concatenation of its
 * parts) when a keyframe part arrives, and keeps the playlist model. One serial queue: an object is
 * stored before the model names it, and the model is stored before it is announced.
 */
export class LlPackager {
  private model: LlPlaylistModel;
  private history: HistoryEntry[] = [];
  private queue: Promise<void> = Promise.resolve();
  private reader = new BoxReader();
  private ftyp: Buffer | null = null;
  private init: InitTrack[] | null = null;
  private map: string | null = null;
  private moof: Buffer | null = null;
  private openBytes: Buffer[] = [];
  private nextPartSeq = 0;
  private discontinuityNext = false;
  private clock: { wallMs: number; media: number } | null = null;
  private run = 0;
  private storedSegments = -1;
  /** A segment closed since the replay playlist was last stored. */
  private replayBehind = false;
  /** Segments of the current run closed so far (the lead segments come first). */
  private runSegments = 0;
  private readonly retryOpts: RetryOptions;
  /** Fragments read in this run: the number of the next one. */
  private fragmentSeq = 0;
  /** A hand-over's successor: this run's parts, unpublished until takeFrom(). */
  private held: HeldParts | null = null;
  partsThisRun = 0;

  constructor(private readonly o: LlPackagerOptions) {
    this.model = {
      rendition: o.rendition, renditions: o.renditions, targetDuration: o.targetDuration, partTarget: o.partTarget,
      mediaSequence: 0, discontinuitySequence: 0, segments: [], open: null, preloadHint: null, ended: false,
    };
    this.retryOpts = { attempts: 8, baseMs: 200, maxMs: 5000, ...o.retry };
  }

  /** Continues what an earlier worker published (its model and segment list); the next part starts a discontinuity. */
  async restore(): Promise<number> {
    const [model, history] = await Promise.all([this.readJson<LlPlaylistModel>('ll.json'), this.readJson<HistoryEntry[]>('segments.json')]);
    if (!model) return 0;
    // Parts of the unfinished segment cannot be joined into a segment any more: drop them.
    this.model = { ...model, open: null, ended: false, preloadHint: null, partTarget: this.o.partTarget };
    this.history = history ?? [];
    this.discontinuityNext = true;
    const runs = [...this.history.map((h) => h.map), ...model.segments.map((s) => s.map)].map((m) => Number(/init_r(\d+)/.exec(m)?.[1] ?? -1));
    return Math.max(0, ...runs.map((r) => r + 1));
  }

  /** A new ffmpeg run starts: a new init segment, and a discontinuity when something was published before. */
  startRun(run: number): void {
    this.reader = new BoxReader();
    this.ftyp = this.init = this.moof = null;
    this.clock = null;
    this.partsThisRun = 0;
    this.fragmentSeq = 0;
    this.held?.clear();
    // Queued: parts of the previous run still waiting for upload keep their run's names.
    this.enqueue(async () => {
      // The open segment's parts came from the old run: close it so a segment never spans two runs.
      await this.closeSegment();
      if (this.model.segments.length > 0 || this.history.length > 0) this.discontinuityNext = true;
      this.runSegments = 0;
      this.run = run;
      this.nextPartSeq = 0;
    });
  }

  /** Bytes from ffmpeg's output for this rendition. */
  feed(chunk: Buffer): void {
    let boxes;
    try {
      boxes = this.reader.push(chunk);
    } catch (err) {
      this.o.logger.error({ err, rendition: this.o.rendition }, 'unreadable fMP4 stream');
      return;
    }
    for (const box of boxes) {
      if (box.type === 'ftyp') this.ftyp = Buffer.from(box.data);
      else if (box.type === 'moov') this.onInit(Buffer.from(box.data));
      else if (box.type === 'moof') this.moof = Buffer.from(box.data);
      else if (box.type === 'mdat' && this.moof && this.init) {
        const moof = this.moof;
        this.moof = null;
        this.onFragment(moof, Buffer.from(box.data));
      }
    }
  }

  get segmentCount(): number {
    return this.history.length;
  }

  get partCount(): number {
    return this.partsThisRun;
  }

  get mediaSeconds(): number {
    return this.history.reduce((s, h) => s + h.duration, 0);
  }

  /** A copy of the model (tests, diagnostics). */
  snapshot(): LlPlaylistModel {
    return structuredClone(this.model);
  }

  idle(): Promise<void> {
    return this.queue;
  }

  /** Closes the open segment and publishes the ended model and the final replay playlist. */
  finish(): Promise<void> {
    return this.enqueue(async () => {
      await this.closeSegment();
      this.model.ended = true;
      this.model.preloadHint = null;
      for (const s of this.model.segments) s.parts = [];
      await this.publish(true);
    });
  }

  private onInit(moov: Buffer): void {
    this.init = parseInit(moov);
    const body = Buffer.concat([this.ftyp ?? Buffer.alloc(0), moov]);
    this.enqueue(async () => {
      const uri = `init_r${this.run}.mp4`;
      await this.put(uri, body, 'video/mp4');
      this.map = uri;
    });
  }

  private onFragment(moof: Buffer, mdat: Buffer): void {
    const tracks = parseMoof(moof, this.init!);
    const videoId = this.init!.find((t) => t.handler === 'vide');
    const track = tracks.find((t) => t.trackId === videoId?.trackId) ?? tracks[0];
    const timescale = this.init!.find((t) => t.trackId === track?.trackId)?.timescale ?? 90000;
    if (!track || track.sampleCount === 0) return;
    const duration = track.duration / timescale;
    const mediaStart = track.baseDecodeTime / timescale;
    // Wall clock of the media timeline, fixed at the first fragment of a run (when it left the encoder).
    this.clock ??= { wallMs: Date.now() - duration * 1000, media: mediaStart };
    const pdt = new Date(this.clock.wallMs + (mediaStart - this.clock.media) * 1000).toISOString();
    const bytes = Buffer.concat([moof, mdat]);
    const seq = this.fragmentSeq++;
    if (this.held) {
      this.held.add({ seq, bytes, duration, independent: track.startsWithSync, pdt, arrivedAt: Date.now() });
      this.o.onHeld?.();
      return;
    }
    this.enqueue(() => this.addPart(bytes, duration, track.startsWithSync, pdt));
  }

  /** Successor of a hand-over: this run's parts are kept here, unpublished, until takeFrom(). */
  hold(): void {
    this.held = new HeldParts();
  }

  /** Holding a complete segment (and the start of the next): this rendition can take over at once. */
  get holdingComplete(): boolean {
    return this.held?.complete ?? false;
  }

  /** The predecessor released: the held parts are kept until takeFrom() says where the seam is. */
  release(): void {
    this.held?.release();
  }

  /** Where this rendition's held parts would start after the predecessor's end (see HeldParts.seamPart): the first rendition's choice is every rendition's seam. */
  seamPart(lastAt: number | null, segmentSeconds: number): number | null {
    return this.held?.seamPart(lastAt, segmentSeconds) ?? null;
  }

  /**
   * Successor, after restore(): publishes the held parts from the segment start numbered `from` (or this
   * rendition's next one) on, after the restored model (a discontinuity), and the later parts as they come;
   * drops the held parts before it. False while no such segment start is held yet (it keeps holding).
   */
  takeFrom(from: number): boolean {
    if (!this.held) return true;
    const parts = this.held.takeFrom(from);
    if (!parts) return false;
    this.held = null;
    this.enqueue(async () => {
      // Part names continue the run's numbering, identical in every rendition; the run's short lead segments
      // are closed early only from the one the seam is (ffmpeg put keyframes after each).
      this.nextPartSeq = parts[0]!.seq;
      this.runSegments = leadSegmentsBefore(parts[0]!.seq, this.o.leadSegmentParts ?? []);
    });
    for (const p of parts) this.enqueue(() => this.addPart(p.bytes, p.duration, p.independent, p.pdt));
    return true;
  }

  /**
   * Predecessor of a hand-over, its ffmpeg stopped: closes and stores the open segment (a takeover drops the
   * parts of an open one) and announces the model with no hint of a part that will not come.
   */
  seal(): Promise<void> {
    return this.enqueue(async () => {
      await this.closeSegment();
      this.model.preloadHint = null;
      await this.publish(false);
    });
  }

  private async addPart(bytes: Buffer, duration: number, independent: boolean, pdt: string): Promise<void> {
    const open = this.model.open;
    const openDuration = open?.parts.reduce((s, p) => s + p.duration, 0) ?? 0;
    // A keyframe starts a segment; without one, a segment is still closed before it outgrows the target duration.
    if (open && open.parts.length > 0 && (independent || openDuration + duration > this.model.targetDuration + 0.49)) await this.closeSegment();
    const uri = this.partUri(this.nextPartSeq);
    try {
      await this.put(uri, bytes, 'video/iso.segment');
    } catch (err) {
      // Never name a part that is not stored; the segment it belonged to is dropped with a discontinuity.
      this.o.logger.error({ err, uri }, 'part upload failed, dropping the open segment');
      this.model.open = null;
      this.openBytes = [];
      this.discontinuityNext = true;
      this.nextPartSeq++;
      return;
    }
    this.nextPartSeq++;
    const part: LlPart = { uri, duration, independent };
    if (!this.model.open) {
      this.model.open = { discontinuity: this.discontinuityNext, programDateTime: pdt, map: this.map ?? `init_r${this.run}.mp4`, parts: [] };
      this.discontinuityNext = false;
    }
    this.model.open.parts.push(part);
    this.openBytes.push(bytes);
    this.model.preloadHint = this.partUri(this.nextPartSeq);
    this.partsThisRun++;
    const lead = this.o.leadSegmentParts?.[this.runSegments];
    if (lead !== undefined && this.model.open.parts.length >= lead) await this.closeSegment();
    await this.publish(false);
    this.o.onPart?.();
  }

  /** Stores the open segment as the concatenation of its parts and moves it into the segment list. */
  private async closeSegment(): Promise<void> {
    const open = this.model.open;
    if (!open || open.parts.length === 0) return;
    const msn = this.model.mediaSequence + this.model.segments.length;
    const uri = `s${msn}.m4s`;
    const duration = open.parts.reduce((s, p) => s + p.duration, 0);
    await this.put(uri, Buffer.concat(this.openBytes), 'video/iso.segment');
    const seg: LlSegment = { msn, uri, duration, discontinuity: open.discontinuity, programDateTime: open.programDateTime, map: open.map, parts: open.parts };
    this.model.segments.push(seg);
    this.model.open = null;
    this.openBytes = [];
    this.runSegments++;
    this.history.push({ msn, uri, duration, discontinuity: seg.discontinuity, map: seg.map, programDateTime: seg.programDateTime });
    while (this.model.segments.length > WINDOW_SEGMENTS) {
      const gone = this.model.segments.shift()!;
      this.model.mediaSequence++;
      // EXT-X-DISCONTINUITY-SEQUENCE counts the discontinuities that left the window.
      if (gone.discontinuity) this.model.discontinuitySequence++;
    }
    for (const s of this.model.segments.slice(0, -PART_SEGMENTS)) s.parts = [];
    this.replayBehind = true;
  }

  /**
   * Announces the model (the API renders playlists from it); stores it too when a segment closed or
   * the broadcast ended: what a takeover or an API node that missed announcements needs, without a
   * storage write per part. A failed announcement is not retried: the next part carries a newer model.
   * While live, the stored model and replay playlist follow the announcement (players load the announced
   * model; only the objects it names must be stored before it), so they never delay a new part or the
   * first playable playlist. The ended model comes after them: the API then serves the stored replay.
   */
  private async publish(final: boolean): Promise<void> {
    const model = structuredClone(this.model);
    const store = final || this.storedSegments !== model.segments.length + model.mediaSequence;
    this.storedSegments = model.segments.length + model.mediaSequence;
    if (!final) await this.announce(model);
    if (store) {
      if (final || this.replayBehind) await this.putReplay().catch((err) => this.o.logger.error({ err }, 'LL replay playlist upload failed'));
      await this.put('ll.json', JSON.stringify(model), 'application/json', MODEL_CACHE).catch((err) => this.o.logger.error({ err }, 'LL model upload failed'));
    }
    if (final) await this.announce(model);
  }

  private announce(model: LlPlaylistModel): Promise<void> {
    return this.o.announce(model).catch((err) => this.o.logger.warn({ err, rendition: this.o.rendition }, 'LL announcement failed'));
  }

  /** The whole broadcast as a plain fMP4 playlist: the replay after the end, and what an earlier worker left. */
  private async putReplay(): Promise<void> {
    this.replayBehind = false;
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${this.model.targetDuration}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT'];
    let map: string | null = null;
    for (const h of this.history) {
      if (h.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (h.map !== map) lines.push(`#EXT-X-MAP:URI="${(map = h.map)}"`);
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${h.programDateTime}`, `#EXTINF:${h.duration.toFixed(5)},`, h.uri);
    }
    if (this.model.ended) lines.push('#EXT-X-ENDLIST');
    await this.put('segments.json', JSON.stringify(this.history), 'application/json', MODEL_CACHE);
    await this.put('index.m3u8', `${lines.join('\n')}\n`, PLAYLIST_TYPE, 'public, max-age=1');
  }

  /** Parts are numbered per run, identically in every rendition (their fragments are aligned), so the hint is always the next number. */
  private partUri(seq: number): string {
    return `r${this.run}p${seq}.m4s`;
  }

  private async readJson<T>(name: string): Promise<T | null> {
    const obj = await this.o.storage.get(`${this.o.keyPrefix}/${name}`).catch(() => null);
    if (!obj) return null;
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(Buffer.from(c as Uint8Array));
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  private put(name: string, body: Buffer | string, contentType: string, cacheControl = SEGMENT_CACHE): Promise<void> {
    return retry(() => this.o.storage.put(`${this.o.keyPrefix}/${name}`, body, { contentType, cacheControl }), {
      ...this.retryOpts,
      onRetry: (err, attempt, delayMs) => this.o.logger.warn({ err, name, attempt, delayMs, prefix: this.o.keyPrefix }, 'upload failed, retrying'),
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((err) => this.o.logger.error({ err, prefix: this.o.keyPrefix }, 'LL packaging task failed'));
    this.queue = next;
    return next;
  }
}
