import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SourceInfo } from '@onda/contracts';

const fourCC = (s: string): number => Buffer.from(s, 'latin1').readUInt32BE(0);

// FLV codec ids (classic numbers, or enhanced-RTMP FourCCs as NMS stores them in codec_id).
const VIDEO_CODECS = new Map<number, string>([
  [7, 'h264'],
  [12, 'hevc'],
  [fourCC('hvc1'), 'hevc'],
  [fourCC('av01'), 'av1'],
  [fourCC('vp09'), 'vp9'],
]);
const AUDIO_CODECS = new Map<number, string>([
  [10, 'aac'],
  [2, 'mp3'],
  [fourCC('Opus'), 'opus'],
]);

/** Maps an FLV video codec id (number, or a FourCC string from metadata) to our codec name. */
export function videoCodecName(id: unknown): string | null {
  return codecName(VIDEO_CODECS, id);
}

/** Maps an FLV audio codec id (number, or a FourCC string from metadata) to our codec name. */
export function audioCodecName(id: unknown): string | null {
  return codecName(AUDIO_CODECS, id);
}

function codecName(table: Map<number, string>, id: unknown): string | null {
  if (typeof id === 'number') return table.get(id) ?? null;
  // Some encoders write the FourCC itself as the metadata value.
  if (typeof id === 'string' && id.length === 4) return table.get(fourCC(id)) ?? null;
  return null;
}

/**
 * Picture size from an FLV AVC sequence header (AVCDecoderConfigurationRecord after the 5-byte FLV
 * video tag header), for encoders that send no usable metadata; null when it is not one or unparsable.
 */
export function avcHeaderSize(data: Buffer, parseSps: (sps: Buffer) => { width: number; height: number } | null): { width: number; height: number } | null {
  // byte 0: frame type 1 + codec 7 (H.264); byte 1: AVCPacketType 0 = sequence header
  if (data.length < 14 || (data[0]! & 0x0f) !== 7 || data[1] !== 0) return null;
  const spsCount = data[10]! & 0x1f;
  const spsLength = data.readUInt16BE(11);
  if (spsCount < 1 || 13 + spsLength > data.length) return null;
  return parseSps(data.subarray(13, 13 + spsLength));
}

/** What the ingest observed about a publish: metadata fields and which sequence headers arrived. */
export interface ObservedSource {
  videoWidth: unknown;
  videoHeight: unknown;
  videoFramerate: unknown;
  videoCodec: unknown;
  audioCodec: unknown;
  videoHeaderCodec: number | null;
  audioHeaderCodec: number | null;
  /** Size decoded from the video sequence header, used when metadata has none. */
  headerSize?: { width: number; height: number } | null;
  /** The encoder sent onMetaData: only then does "no video in it, no video packet" mean an audio-only publish. */
  metadataSeen?: boolean;
}

const nonNegative = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Builds the contract's SourceInfo, preferring sequence headers (what is really sent) over metadata (what the encoder claims). */
export function toSourceInfo(o: ObservedSource): SourceInfo {
  const audioCodec = o.audioHeaderCodec !== null ? audioCodecName(o.audioHeaderCodec) : audioCodecName(o.audioCodec);
  const hasAudio = o.audioHeaderCodec !== null || (o.audioCodec !== undefined && o.audioCodec !== null && o.audioCodec !== 0);
  const claimsVideo = (o.videoCodec !== undefined && o.videoCodec !== null && o.videoCodec !== 0 && o.videoCodec !== '') || nonNegative(o.videoWidth) > 0;
  // Without metadata a late first video packet is possible: assume video rather than drop the picture.
  const audioOnly = o.metadataSeen === true && o.videoHeaderCodec === null && !claimsVideo && hasAudio;
  return {
    ...(audioOnly ? { hasVideo: false } : {}),
    width: Math.round(nonNegative(o.videoWidth) || (o.headerSize?.width ?? 0)),
    height: Math.round(nonNegative(o.videoHeight) || (o.headerSize?.height ?? 0)),
    fps: nonNegative(o.videoFramerate),
    hasAudio,
    videoCodec: o.videoHeaderCodec !== null ? videoCodecName(o.videoHeaderCodec) : videoCodecName(o.videoCodec),
    audioCodec: hasAudio ? audioCodec : null,
  };
}

/** The token that authorises pulling `/live/<sessionId>`: hex HMAC-SHA256 of the session id keyed by the internal token. */
export function playToken(internalToken: string, sessionId: string): string {
  return createHmac('sha256', internalToken).update(sessionId).digest('hex');
}

/** Constant-time check of a play token. */
export function verifyPlayToken(internalToken: string, sessionId: string, token: string): boolean {
  const expected = Buffer.from(playToken(internalToken, sessionId), 'hex');
  const given = Buffer.from(token, 'hex');
  // Buffer.from(hex) silently drops a trailing odd nibble or stops at a bad char, so compare the text length too.
  return token.length === expected.length * 2 && given.length === expected.length && timingSafeEqual(given, expected);
}
