import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStorage } from '@onda/storage';
import type { Logger } from './logger.js';
import { retry } from './retry.js';

/**
 * What the predecessor of a hand-over decided, written once: `released` (it stopped, everything it had is
 * uploaded and it publishes nothing more: the successor continues the playlists) or `cancelled` (it keeps
 * or interrupts the broadcast as before a hand-over existed: the successor stands down, publishing nothing).
 */
export type HandoverOutcome =
  | {
    kind: 'released';
    /** Wall clock (ms) at which the predecessor's last published segment was complete; null when it published none. */
    lastSegmentAt: number | null;
    /** Wall clock (ms) at which its recording stopped; null when it recorded nothing. */
    recordingStoppedAt: number | null;
  }
  | { kind: 'cancelled' };

/** Storage prefix of every hand-over of a session (deleted when the broadcast ends). */
export const handoverPrefix = (sessionId: string): string => `handover/${sessionId}/`;

/** Reads an outcome object; null for anything that is not one. */
export function parseHandoverOutcome(text: string): HandoverOutcome | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const at = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (o.kind === 'cancelled') return { kind: 'cancelled' };
  if (o.kind === 'released') return { kind: 'released', lastSegmentAt: at(o.lastSegmentAt), recordingStoppedAt: at(o.recordingStoppedAt) };
  return null;
}

/**
 * The two markers of one hand-over in storage, which both workers reach in either queue mode: `ready`
 * (successor -> predecessor: I have output for every rendition) and `outcome` (predecessor -> successor).
 * Storage rather than the API: the live session's state machine needs no new state, and no migration.
 */
export class HandoverChannel {
  private readonly prefix: string;

  constructor(private readonly storage: ObjectStorage, sessionId: string, token: string) {
    this.prefix = `${handoverPrefix(sessionId)}${token}`;
  }

  markReady(): Promise<void> {
    return retry(() => this.storage.put(`${this.prefix}/ready.json`, JSON.stringify({ at: Date.now() }), { contentType: 'application/json' }), { attempts: 4, baseMs: 200, maxMs: 1000 });
  }

  async ready(): Promise<boolean> {
    return (await this.storage.head(`${this.prefix}/ready.json`)) !== null;
  }

  decide(outcome: HandoverOutcome): Promise<void> {
    return retry(() => this.storage.put(`${this.prefix}/outcome.json`, JSON.stringify(outcome), { contentType: 'application/json' }), { attempts: 6, baseMs: 200, maxMs: 2000 });
  }

  async outcome(): Promise<HandoverOutcome | null> {
    const obj = await this.storage.get(`${this.prefix}/outcome.json`);
    if (!obj) return null;
    const parts: Buffer[] = [];
    for await (const c of obj.body) parts.push(Buffer.from(c as Uint8Array));
    return parseHandoverOutcome(Buffer.concat(parts).toString('utf8'));
  }
}

/**
 * Whether a predecessor released this session to a successor: the job it ran is gone from the queue, so a
 * new `live` job for the session (the encoder's reconnect makes the API enqueue one) would run it twice.
 */
export async function handedOver(storage: ObjectStorage, sessionId: string): Promise<boolean> {
  for await (const obj of storage.list(handoverPrefix(sessionId))) {
    if (!obj.key.endsWith('/outcome.json')) continue;
    const channel = new HandoverChannel(storage, sessionId, obj.key.slice(handoverPrefix(sessionId).length).split('/')[0]!);
    if ((await channel.outcome().catch(() => null))?.kind === 'released') return true;
  }
  return false;
}

/** A segment the successor holds or takes in after the release: when it was complete (wall clock, ms) and its length (s). */
export interface SeamSegment {
  arrivedAt: number;
  duration: number;
}

/**
 * Whether the successor's segment is the first to publish after the predecessor's last one, complete at
 * `lastAt`. Both ffmpegs read the same ingest in real time with about the same encode delay, so a segment
 * complete at wall clock t holds the media of [t - duration, t]. The seam is the first segment that starts no
 * earlier than half its length before `lastAt`: at most half a segment is repeated or skipped there (both ends
 * cut at keyframes of their own, at an arbitrary phase to each other), plus the two machines' clock offset.
 */
export function startsAfterSeam(segment: SeamSegment, lastAt: number | null): boolean {
  return startsAfterSeamAt(segment.arrivedAt - segment.duration * 1000, segment.duration, lastAt);
}

/**
 * startsAfterSeam for a segment known by its start (wall clock, ms) and its (target) length in seconds:
 * low latency decides on the segment's first part, before the segment is complete.
 */
export function startsAfterSeamAt(startAt: number, segmentSeconds: number, lastAt: number | null): boolean {
  if (lastAt === null) return true;
  return startAt >= lastAt - (segmentSeconds * 1000) / 2;
}

/**
 * How often each side of a hand-over looks at the other's marker. The successor says ready as a segment
 * completes; the sooner the predecessor stops after that, the closer its end is to the start of the
 * successor's next segment, which then is the seam (see startsAfterSeam) and arrives at the usual cadence.
 */
const POLL_MS = 100;
/** How long a successor that said ready waits for the predecessor's decision past its deadline or a stop. */
const DECISION_GRACE_MS = 30_000;

/**
 * Predecessor: asks for a successor (`enqueue`) and waits until it says ready (true). False when `deadline`
 * aborts or `running()` turns false (this run ended) first: the successor is then told to stand down.
 */
export async function awaitSuccessor(o: {
  channel: HandoverChannel; enqueue: () => Promise<void>; deadline: AbortSignal; running: () => boolean; logger: Logger;
}): Promise<boolean> {
  try {
    await o.enqueue();
    o.logger.info('draining: asked for a successor');
    while (!o.deadline.aborted && o.running()) {
      if (await o.channel.ready().catch(() => false)) return true;
      await sleep(POLL_MS, undefined, { signal: o.deadline }).catch(() => undefined);
    }
  } catch (err) {
    o.logger.error({ err }, 'could not ask for a successor');
  }
  await o.channel.decide({ kind: 'cancelled' }).catch((err: unknown) => o.logger.error({ err }, 'could not cancel a hand-over'));
  return false;
}

/**
 * Successor: says ready once `complete()` (output for every rendition), then waits for the predecessor's
 * outcome. Resolves the release, or null to stand down: cancelled, nothing decided by `until`, or
 * `stopping()` (its run ended, its worker stops) before it had said ready. Once ready was said the
 * predecessor may release any moment, so its word is awaited a little past a stop or the deadline.
 */
export async function awaitRelease(o: {
  channel: HandoverChannel; until: number; complete: () => boolean; stopping: () => boolean; logger: Logger;
}): Promise<Extract<HandoverOutcome, { kind: 'released' }> | null> {
  let readySaid = false;
  let stoppedAt = Number.POSITIVE_INFINITY;
  for (;;) {
    const stopping = o.stopping();
    if (stopping) stoppedAt = Math.min(stoppedAt, Date.now());
    if (!readySaid && !stopping && o.complete()) {
      await o.channel.markReady().then(() => (readySaid = true), (err: unknown) => o.logger.error({ err }, 'could not say ready to the predecessor'));
    }
    const outcome = readySaid ? await o.channel.outcome().catch(() => null) : null;
    if (outcome) return outcome.kind === 'released' ? outcome : null;
    if ((stopping && !readySaid) || Date.now() > Math.min(o.until, stoppedAt) + (readySaid ? DECISION_GRACE_MS : 0)) return null;
    await sleep(POLL_MS);
  }
}
