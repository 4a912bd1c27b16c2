/**
 * A checker of LL-HLS media playlists against RFC 8216bis (sections 4.4.3.7-4.4.5.3, 6.2.5-6.2.5.2,
 * 6.3.7): used by tests on real output, independent of the renderer (it parses the text).
 */

export interface ParsedPart {
  uri: string;
  duration: number;
  independent: boolean;
}

export interface ParsedSegment {
  msn: number;
  uri: string;
  duration: number;
  parts: ParsedPart[];
  discontinuity: boolean;
  programDateTime: string | null;
  map: string | null;
}

export interface ParsedLlPlaylist {
  version: number | null;
  targetDuration: number | null;
  mediaSequence: number;
  discontinuitySequence: number;
  serverControl: Record<string, string>;
  partTarget: number | null;
  skipped: number;
  segments: ParsedSegment[];
  /** Parts after the last complete segment (the open segment). */
  openParts: ParsedPart[];
  preloadHints: Array<Record<string, string>>;
  renditionReports: Array<Record<string, string>>;
  endList: boolean;
}

/** Attribute list (`A=1,B="x,y"`) to a record, quotes removed. */
export function parseAttributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

/** Parses an LL-HLS media playlist (throws when it is not one). */
export function parseLlPlaylist(text: string): ParsedLlPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== '#EXTM3U') throw new Error('missing #EXTM3U');
  const p: ParsedLlPlaylist = {
    version: null, targetDuration: null, mediaSequence: 0, discontinuitySequence: 0, serverControl: {}, partTarget: null, skipped: 0,
    segments: [], openParts: [], preloadHints: [], renditionReports: [], endList: false,
  };
  let parts: ParsedPart[] = [];
  let duration: number | null = null;
  let disc = false;
  let pdt: string | null = null;
  let map: string | null = null;
  const val = (l: string): string => l.slice(l.indexOf(':') + 1);
  for (const l of lines.slice(1)) {
    if (l.startsWith('#EXT-X-VERSION:')) p.version = Number(val(l));
    else if (l.startsWith('#EXT-X-TARGETDURATION:')) p.targetDuration = Number(val(l));
    else if (l.startsWith('#EXT-X-MEDIA-SEQUENCE:')) p.mediaSequence = Number(val(l));
    else if (l.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE:')) p.discontinuitySequence = Number(val(l));
    else if (l.startsWith('#EXT-X-SERVER-CONTROL:')) p.serverControl = parseAttributes(val(l));
    else if (l.startsWith('#EXT-X-PART-INF:')) p.partTarget = Number(parseAttributes(val(l))['PART-TARGET']);
    else if (l.startsWith('#EXT-X-SKIP:')) p.skipped = Number(parseAttributes(val(l))['SKIPPED-SEGMENTS']);
    else if (l === '#EXT-X-DISCONTINUITY') disc = true;
    else if (l.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = val(l);
    else if (l.startsWith('#EXT-X-MAP:')) map = parseAttributes(val(l)).URI ?? null;
    else if (l.startsWith('#EXT-X-PART:')) {
      const a = parseAttributes(val(l));
      parts.push({ uri: a.URI ?? '', duration: Number(a.DURATION), independent: a.INDEPENDENT === 'YES' });
    } else if (l.startsWith('#EXT-X-PRELOAD-HINT:')) p.preloadHints.push(parseAttributes(val(l)));
    else if (l.startsWith('#EXT-X-RENDITION-REPORT:')) p.renditionReports.push(parseAttributes(val(l)));
    else if (l.startsWith('#EXTINF:')) duration = Number.parseFloat(val(l));
    else if (l === '#EXT-X-ENDLIST') p.endList = true;
    else if (!l.startsWith('#')) {
      if (duration === null) throw new Error(`URI ${l} without #EXTINF`);
      p.segments.push({ msn: p.mediaSequence + p.skipped + p.segments.length, uri: l, duration, parts, discontinuity: disc, programDateTime: pdt, map });
      parts = [];
      duration = null;
      disc = false;
      pdt = null;
    }
  }
  p.openParts = parts;
  return p;
}

const EPS = 1e-6;

/** Every rule the playlist breaks (empty = valid). `requireParts`: a live playlist must list parts. */
export function validateLlPlaylist(text: string, opts: { requireParts?: boolean } = {}): string[] {
  let p: ParsedLlPlaylist;
  try {
    p = parseLlPlaylist(text);
  } catch (err) {
    return [(err as Error).message];
  }
  const errors: string[] = [];
  const td = p.targetDuration;
  if (td === null || !Number.isInteger(td) || td <= 0) errors.push('EXT-X-TARGETDURATION missing or not a positive integer');
  const allParts = [...p.segments.flatMap((s) => s.parts), ...p.openParts];
  const live = !p.endList;
  if (p.skipped > 0 && (p.version ?? 0) < 9) errors.push('EXT-X-SKIP needs EXT-X-VERSION 9 or more');
  if (allParts.length > 0 && (p.version ?? 0) < 6) errors.push('EXT-X-VERSION below 6 with EXT-X-PART');
  if (opts.requireParts && live && allParts.length === 0) errors.push('a live LL-HLS playlist without EXT-X-PART');

  for (const s of p.segments) {
    if (td !== null && Math.round(s.duration) > td) errors.push(`segment ${s.msn}: EXTINF ${s.duration} rounds above TARGETDURATION ${td}`);
    if (!s.map) errors.push(`segment ${s.msn}: no EXT-X-MAP applies (fMP4)`);
    if (s.programDateTime !== null && Number.isNaN(Date.parse(s.programDateTime))) errors.push(`segment ${s.msn}: bad PROGRAM-DATE-TIME`);
    if (s.parts.length > 0) {
      const sum = s.parts.reduce((a, x) => a + x.duration, 0);
      if (Math.abs(sum - s.duration) > 0.001 * s.parts.length + EPS) errors.push(`segment ${s.msn}: parts add up to ${sum.toFixed(4)}, EXTINF says ${s.duration}`);
      if (!s.parts[0]!.independent) errors.push(`segment ${s.msn}: its first part is not INDEPENDENT=YES`);
    }
  }
  // Parts are listed for a suffix of the playlist only: once a segment lists them, every later one does.
  const firstWithParts = p.segments.findIndex((s) => s.parts.length > 0);
  if (firstWithParts >= 0 && p.segments.slice(firstWithParts).some((s) => s.parts.length === 0)) errors.push('a segment without parts after one with parts');

  const sc = p.serverControl;
  if (allParts.length > 0) {
    if (p.partTarget === null || !(p.partTarget > 0)) errors.push('EXT-X-PART used without a valid EXT-X-PART-INF:PART-TARGET');
    const phb = Number(sc['PART-HOLD-BACK']);
    if (live && !(phb > 0)) errors.push('EXT-X-PART used without SERVER-CONTROL PART-HOLD-BACK');
    if (p.partTarget !== null && phb > 0 && phb + EPS < 3 * p.partTarget) errors.push(`PART-HOLD-BACK ${phb} is below 3 x PART-TARGET ${p.partTarget}`);
    const uris = new Set<string>();
    for (const x of allParts) {
      if (!x.uri) errors.push('EXT-X-PART without URI');
      if (uris.has(x.uri)) errors.push(`part ${x.uri} listed twice`);
      uris.add(x.uri);
      if (!(x.duration > 0)) errors.push(`part ${x.uri}: DURATION missing or not positive`);
      if (p.partTarget !== null && x.duration > p.partTarget + EPS) errors.push(`part ${x.uri}: DURATION ${x.duration} exceeds PART-TARGET ${p.partTarget}`);
    }
    if (p.openParts.length > 0 && !p.openParts[0]!.independent && p.segments.length === 0) errors.push('the first listed part is not independent');
  }
  if (sc['HOLD-BACK'] !== undefined && td !== null && Number(sc['HOLD-BACK']) + EPS < 3 * td) errors.push('HOLD-BACK below 3 x TARGETDURATION');
  if (sc['CAN-SKIP-UNTIL'] !== undefined && td !== null && Number(sc['CAN-SKIP-UNTIL']) + EPS < 6 * td) errors.push('CAN-SKIP-UNTIL below 6 x TARGETDURATION');
  if (p.skipped > 0) {
    if (sc['CAN-SKIP-UNTIL'] === undefined) errors.push('EXT-X-SKIP without CAN-SKIP-UNTIL');
    const tail = p.segments.reduce((a, s) => a + s.duration, 0) + p.openParts.reduce((a, x) => a + x.duration, 0);
    if (tail + EPS < Number(sc['CAN-SKIP-UNTIL'])) errors.push(`delta update skipped segments within CAN-SKIP-UNTIL of the end (${tail.toFixed(3)} s left)`);
  }
  if (p.preloadHints.length > 0) {
    if (!live) errors.push('EXT-X-PRELOAD-HINT in an ended playlist');
    const types = p.preloadHints.map((h) => h.TYPE);
    if (new Set(types).size !== types.length) errors.push('more than one EXT-X-PRELOAD-HINT of a TYPE');
    for (const h of p.preloadHints) {
      if (h.TYPE !== 'PART' && h.TYPE !== 'MAP') errors.push(`EXT-X-PRELOAD-HINT TYPE ${h.TYPE}`);
      if (!h.URI) errors.push('EXT-X-PRELOAD-HINT without URI');
      if (allParts.some((x) => x.uri === h.URI)) errors.push(`EXT-X-PRELOAD-HINT names a listed part ${h.URI}`);
    }
  }
  for (const r of p.renditionReports) {
    if (!r.URI) errors.push('EXT-X-RENDITION-REPORT without URI');
    if (r['LAST-MSN'] === undefined || !Number.isInteger(Number(r['LAST-MSN']))) errors.push('EXT-X-RENDITION-REPORT without LAST-MSN');
    if (allParts.length > 0 && r['LAST-PART'] === undefined) errors.push('EXT-X-RENDITION-REPORT without LAST-PART in a playlist with parts');
  }
  return errors;
}

/**
 * Rules between two playlists of the same rendition (an earlier one and a later, possibly delta,
 * update): the media sequence never goes back, a segment keeps its URI and duration, a complete
 * segment's parts stay the same.
 */
export function validateLlUpdate(before: string, after: string): string[] {
  const a = parseLlPlaylist(before);
  const b = parseLlPlaylist(after);
  const errors: string[] = [];
  if (b.mediaSequence < a.mediaSequence) errors.push(`media sequence went back from ${a.mediaSequence} to ${b.mediaSequence}`);
  if (b.discontinuitySequence < a.discontinuitySequence) errors.push('discontinuity sequence went back');
  const earlier = new Map(a.segments.map((s) => [s.msn, s]));
  for (const s of b.segments) {
    const old = earlier.get(s.msn);
    if (!old) continue;
    if (old.uri !== s.uri || Math.abs(old.duration - s.duration) > EPS) errors.push(`segment ${s.msn} changed between updates`);
    if (old.parts.length > 0 && s.parts.length > 0 && old.parts.map((x) => x.uri).join() !== s.parts.map((x) => x.uri).join()) errors.push(`segment ${s.msn}: parts changed`);
  }
  const lastA = a.mediaSequence + a.skipped + a.segments.length;
  const lastB = b.mediaSequence + b.skipped + b.segments.length;
  if (lastB < lastA) errors.push(`the playlist lost segments (${lastA} -> ${lastB})`);
  // A part listed for the open segment is listed again once that segment is complete, or is still open.
  if (lastB === lastA && b.openParts.length < a.openParts.length) errors.push('the open segment lost parts');
  return errors;
}
