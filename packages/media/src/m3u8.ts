import type { Rendition } from '@onda/contracts';
import { MAXRATE_FACTOR } from './ladder.js';

/** One media segment of an HLS media playlist. */
export interface MediaSegment {
  uri: string;
  duration: number;
  /** `#EXT-X-DISCONTINUITY` before this segment (timestamps or encoding changed). */
  discontinuity: boolean;
  programDateTime?: string;
  /** `#EXT-X-MAP` URI in force for this segment (fMP4 initialization segment). */
  map?: string;
}

/** An HLS media (variant) playlist. */
export interface MediaPlaylist {
  version: number;
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  playlistType: 'EVENT' | 'VOD' | null;
  independentSegments: boolean;
  segments: MediaSegment[];
  endList: boolean;
}

/** An empty EVENT playlist, the starting point of a live rendition. */
export function emptyMediaPlaylist(targetDuration: number): MediaPlaylist {
  return {
    // 6, as ffmpeg writes for independent segments.
    version: 6,
    targetDuration: Math.ceil(targetDuration),
    mediaSequence: 0,
    discontinuitySequence: 0,
    playlistType: 'EVENT',
    independentSegments: true,
    segments: [],
    endList: false,
  };
}

const attr = (line: string, tag: string): string | null => (line.startsWith(tag) ? line.slice(tag.length) : null);

/** Parses a media playlist; unknown tags are ignored. Throws when the text is not an M3U8 playlist. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines[0] !== '#EXTM3U') throw new Error('not an M3U8 playlist (missing #EXTM3U)');
  const out: MediaPlaylist = { ...emptyMediaPlaylist(0), playlistType: null, independentSegments: false };
  let pending: Partial<MediaSegment> & { duration?: number } = {};
  let map: string | undefined;
  for (const line of lines.slice(1)) {
    let v: string | null;
    if ((v = attr(line, '#EXT-X-VERSION:')) !== null) out.version = Number(v);
    else if ((v = attr(line, '#EXT-X-TARGETDURATION:')) !== null) out.targetDuration = Number(v);
    else if ((v = attr(line, '#EXT-X-MEDIA-SEQUENCE:')) !== null) out.mediaSequence = Number(v);
    else if ((v = attr(line, '#EXT-X-DISCONTINUITY-SEQUENCE:')) !== null) out.discontinuitySequence = Number(v);
    else if ((v = attr(line, '#EXT-X-PLAYLIST-TYPE:')) !== null) out.playlistType = v === 'VOD' ? 'VOD' : v === 'EVENT' ? 'EVENT' : null;
    else if (line === '#EXT-X-INDEPENDENT-SEGMENTS') out.independentSegments = true;
    else if (line === '#EXT-X-ENDLIST') out.endList = true;
    else if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if ((v = attr(line, '#EXT-X-PROGRAM-DATE-TIME:')) !== null) pending.programDateTime = v;
    else if ((v = attr(line, '#EXT-X-MAP:')) !== null) map = /URI="([^"]+)"/.exec(v)?.[1];
    else if ((v = attr(line, '#EXTINF:')) !== null) pending.duration = Number.parseFloat(v.split(',')[0] ?? '0');
    else if (!line.startsWith('#')) {
      const seg: MediaSegment = { uri: line, duration: pending.duration ?? 0, discontinuity: pending.discontinuity ?? false };
      if (pending.programDateTime !== undefined) seg.programDateTime = pending.programDateTime;
      if (map !== undefined) seg.map = map;
      out.segments.push(seg);
      pending = {};
    }
  }
  return out;
}

/** Renders a media playlist; EXTINF keeps millisecond precision. */
export function renderMediaPlaylist(p: MediaPlaylist): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${p.version}`, `#EXT-X-TARGETDURATION:${p.targetDuration}`, `#EXT-X-MEDIA-SEQUENCE:${p.mediaSequence}`];
  if (p.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${p.discontinuitySequence}`);
  if (p.playlistType) lines.push(`#EXT-X-PLAYLIST-TYPE:${p.playlistType}`);
  if (p.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let map: string | undefined;
  for (const s of p.segments) {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (s.map !== undefined && s.map !== map) lines.push(`#EXT-X-MAP:URI="${(map = s.map)}"`);
    if (s.programDateTime) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime}`);
    lines.push(`#EXTINF:${s.duration.toFixed(3)},`, s.uri);
  }
  if (p.endList) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** One variant of a master playlist. */
export interface MasterVariant {
  rendition: Rendition;
  uri: string;
  /** RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
  frameRate?: number | null;
  /** Measured peak bits per second; otherwise (video + audio) * 1.1. */
  peakBandwidth?: number;
  /** Measured average bits per second; otherwise video + audio. */
  averageBandwidth?: number;
}

/** Renders a master playlist, variants in the given order (the first is what players start with). */
export function renderMaster(variants: MasterVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) {
    const nominal = (v.rendition.videoBitrateKbps + v.rendition.audioBitrateKbps) * 1000;
    const attrs = [
      `BANDWIDTH=${Math.round(v.peakBandwidth ?? nominal * MAXRATE_FACTOR)}`,
      `AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth ?? nominal)}`,
    ];
    // An audio-only variant has no picture: no RESOLUTION (nor FRAME-RATE) to claim.
    if (v.rendition.height > 0) attrs.push(`RESOLUTION=${v.rendition.width}x${v.rendition.height}`);
    if (v.frameRate && v.frameRate > 0) attrs.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
    attrs.push(`CODECS="${v.codecs}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return lines.join('\n') + '\n';
}

/** CODECS value for a rendition: the video codec plus AAC-LC when it carries audio. */
export function codecsString(videoCodec: string, hasAudio: boolean): string {
  return hasAudio ? `${videoCodec},mp4a.40.2` : videoCodec;
}
