import { startsAfterSeamAt } from './live-handover.js';

/** Segments a hand-over's successor holds at most while waiting for the release (the seam is near the newest). */
const HELD_SEGMENTS = 3;

/** A fragment a hand-over's successor took in but publishes only once the predecessor released. */
export interface HeldPart {
  /** Its number in the run: the same in every rendition (their fragments are aligned). */
  seq: number;
  bytes: Buffer;
  duration: number;
  independent: boolean;
  pdt: string;
  /** Wall clock (ms) it was read from ffmpeg. */
  arrivedAt: number;
}

/**
 * The parts of one rendition a low-latency successor holds (see LlPackager.hold): the newest few segments
 * while it waits for the predecessor, then, once released, everything until the seam is known.
 */
export class HeldParts {
  private parts: HeldPart[] = [];
  private released = false;

  add(part: HeldPart): void {
    this.parts.push(part);
    const starts = this.parts.flatMap((p, i) => (p.independent ? [i] : []));
    // Waiting for the release, only the newest segments can be the seam; once released, the seam is being chosen.
    if (!this.released && starts.length > HELD_SEGMENTS) this.parts.splice(0, starts[starts.length - HELD_SEGMENTS]);
  }

  /** A new run starts: the parts of the previous one cannot be continued. */
  clear(): void {
    this.parts = [];
  }

  /** Holding a complete segment (and the start of the next): this rendition can take over at once. */
  get complete(): boolean {
    return this.parts.filter((p) => p.independent).length >= 2;
  }

  /** The predecessor released: the parts are kept until the seam is chosen. */
  release(): void {
    this.released = true;
  }

  /** The number of the first held part that starts a segment past the predecessor's end (`lastAt`, see startsAfterSeamAt); null while none is held. */
  seamPart(lastAt: number | null, segmentSeconds: number): number | null {
    return this.parts.find((p) => p.independent && startsAfterSeamAt(p.arrivedAt - p.duration * 1000, segmentSeconds, lastAt))?.seq ?? null;
  }

  /**
   * The parts to publish from the segment start numbered `from` (or the next one held) on; the ones before
   * it are dropped. Null while no such segment start is held yet: the parts before it are dropped all the same.
   */
  takeFrom(from: number): HeldPart[] | null {
    const start = this.parts.findIndex((p) => p.independent && p.seq >= from);
    const taken = start < 0 ? null : this.parts.slice(start);
    this.parts = [];
    return taken;
  }
}
