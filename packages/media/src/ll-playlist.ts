import type { LlPart, LlPlaylistModel } from '@onda/contracts';

/** Where a rendition's stream has got to: the last part published (`part` -1 = none listed in segment `msn`). */
export interface LlPosition {
  msn: number;
  part: number;
}

/** The position of the newest part (or complete segment) in a model; null while it is empty. */
export function llPosition(m: LlPlaylistModel): LlPosition | null {
  const openMsn = m.mediaSequence + m.segments.length;
  if (m.open && m.open.parts.length > 0) return { msn: openMsn, part: m.open.parts.length - 1 };
  const last = m.segments[m.segments.length - 1];
  return last ? { msn: last.msn, part: last.parts.length - 1 } : null;
}

/** What a blocking playlist request asks for. */
export interface LlRequest {
  msn: number;
  part?: number;
}

/**
 * Whether the playlist already contains what `_HLS_msn`/`_HLS_part` ask for: segment `msn` complete
 * (no part given), or part `part` of segment `msn` or anything later. A part index past the end of a
 * complete segment means a later segment's part (hls.js asks `_HLS_part=N` on an N-part segment).
 */
export function llSatisfies(m: LlPlaylistModel, req: LlRequest): boolean {
  if (m.ended) return true;
  const pos = llPosition(m);
  if (!pos) return false;
  const completeUpTo = m.mediaSequence + m.segments.length - 1;
  if (req.part === undefined) return completeUpTo >= req.msn;
  return pos.msn > req.msn || (pos.msn === req.msn && pos.part >= req.part);
}

/** Parts a request may be ahead of the playlist before it is refused (the spec's Advance Part Limit). */
export const ADVANCE_PART_LIMIT = 3;

/** Too far ahead to wait for (the spec: more than two segments, or the advance part limit): answer 400 at once. */
export function llTooFarAhead(m: LlPlaylistModel, req: LlRequest): boolean {
  const pos = llPosition(m) ?? { msn: m.mediaSequence, part: -1 };
  if (req.msn > pos.msn + 2) return true;
  if (req.part === undefined) return false;
  const partsPerSegment = Math.max(1, Math.ceil(m.targetDuration / m.partTarget));
  const ahead = (req.msn - pos.msn) * partsPerSegment + (req.part - pos.part);
  return ahead > ADVANCE_PART_LIMIT + partsPerSegment;
}

/** CAN-SKIP-UNTIL: six target durations, the spec's minimum. */
export const skipUntil = (m: LlPlaylistModel): number => 6 * m.targetDuration;
/** PART-HOLD-BACK: three part targets (the spec's recommended minimum); players aim this far behind the live edge. */
export const partHoldBack = (m: LlPlaylistModel): number => Math.round(3 * m.partTarget * 1000) / 1000;

/** A rendition report: another rendition's newest position. */
export interface LlRenditionReport {
  uri: string;
  position: LlPosition;
}

const fmt = (n: number): string => n.toFixed(5).replace(/0+$/, '').replace(/\.$/, '.0');
const partLine = (p: LlPart, base: string): string => `#EXT-X-PART:DURATION=${fmt(p.duration)},URI="${base}${p.uri}"${p.independent ? ',INDEPENDENT=YES' : ''}`;

/** How many leading segments a delta update may skip: all but those within CAN-SKIP-UNTIL of the end. */
export function skippableSegments(m: LlPlaylistModel): number {
  let tail = (m.open?.parts ?? []).reduce((s, p) => s + p.duration, 0);
  let keep = 0;
  for (let i = m.segments.length - 1; i >= 0 && tail < skipUntil(m); i--) {
    tail += m.segments[i]!.duration;
    keep++;
  }
  return tail < skipUntil(m) ? 0 : m.segments.length - keep;
}

/**
 * Renders an LL-HLS media playlist (RFC 8216bis): parts for the last segments and the open one, a
 * preload hint for the next part, blocking reload and delta updates announced in SERVER-CONTROL.
 * `skip` renders a delta update (EXT-X-SKIP) when there is something to skip; `mediaBase` prefixes
 * the URIs of media objects (init, parts, segments) when a CDN or bucket serves them, not the API.
 */
export function renderLlPlaylist(m: LlPlaylistModel, opts: { skip?: boolean; reports?: LlRenditionReport[]; mediaBase?: string } = {}): string {
  const skipped = opts.skip && !m.ended ? skippableSegments(m) : 0;
  const base = opts.mediaBase ?? '';
  const lines = [
    '#EXTM3U',
    // 9: EXT-X-SKIP; parts and preload hints are defined alongside it.
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${m.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${m.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${m.discontinuitySequence}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${fmt(skipUntil(m))},PART-HOLD-BACK=${fmt(partHoldBack(m))}`,
    `#EXT-X-PART-INF:PART-TARGET=${fmt(m.partTarget)}`,
  ];
  if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  let map: string | null = null;
  const listed = m.segments.slice(skipped);
  for (const s of listed) {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (s.map !== map) lines.push(`#EXT-X-MAP:URI="${base}${(map = s.map)}"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime}`);
    if (!m.ended) for (const p of s.parts) lines.push(partLine(p, base));
    lines.push(`#EXTINF:${fmt(s.duration)},`, `${base}${s.uri}`);
  }
  if (m.ended) {
    lines.push('#EXT-X-ENDLIST');
  } else {
    if (m.open && m.open.parts.length > 0) {
      if (m.open.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (m.open.map !== map) lines.push(`#EXT-X-MAP:URI="${base}${m.open.map}"`);
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${m.open.programDateTime}`);
      for (const p of m.open.parts) lines.push(partLine(p, base));
    }
    if (m.preloadHint) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${base}${m.preloadHint}"`);
    for (const r of opts.reports ?? []) {
      lines.push(`#EXT-X-RENDITION-REPORT:URI="${r.uri}",LAST-MSN=${r.position.msn}${r.position.part >= 0 ? `,LAST-PART=${r.position.part}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
