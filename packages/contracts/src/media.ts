import { z } from 'zod';

/** What the ingest learned about a published stream (from its metadata and codec headers). */
export const SourceInfoSchema = z.object({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  fps: z.number().nonnegative(),
  hasAudio: z.boolean(),
  /** False for an audio-only publish (absent: the source has video, as every source before this field). */
  hasVideo: z.boolean().optional(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

// Codecs the FLV demuxer of ffmpeg 5.1 cannot read: enhanced-RTMP FourCCs (HEVC, AV1, VP9, Opus) and the
// unofficial FLV id 12 for HEVC. A publish with one of them would give viewers a silent black stream.
const UNSUPPORTED_VIDEO = new Set(['hevc', 'av1', 'vp9']);
const UNSUPPORTED_AUDIO = new Set(['opus']);
const CODEC_LABEL: Record<string, string> = { hevc: 'HEVC (H.265)', av1: 'AV1', vp9: 'VP9', opus: 'Opus' };

/** Why a published source cannot be transcoded live, in words for the streamer; null when it can. */
export function liveSourceProblem(source: SourceInfo): string | null {
  if (source.videoCodec && UNSUPPORTED_VIDEO.has(source.videoCodec)) {
    return `The encoder sends ${CODEC_LABEL[source.videoCodec]} video, which this server cannot take over RTMP: set the encoder to H.264 (x264 or a hardware H.264 encoder) and AAC audio.`;
  }
  if (source.audioCodec && UNSUPPORTED_AUDIO.has(source.audioCodec)) {
    return `The encoder sends ${CODEC_LABEL[source.audioCodec]} audio, which this server cannot take over RTMP: set the encoder's audio to AAC.`;
  }
  return null;
}

/** One rung of an HLS ladder. `passthrough` renditions copy the source video instead of encoding. */
export const RenditionSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]+$/),
  /** 0 (with height and video bitrate) for the audio-only rendition of an audio-only source. */
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  videoBitrateKbps: z.number().int().nonnegative(),
  audioBitrateKbps: z.number().int().nonnegative(),
  passthrough: z.boolean(),
  /** Output frame rate when the ladder caps it below the source's (absent: the source's own rate). */
  fps: z.number().positive().optional(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

/**
 * How a channel's live ladder is built: `default` (encoded rungs, plus the source copy when the channel asks),
 * `passthrough` (the source copy plus encoded rungs below it), `low-cpu` (two rungs at 30 fps, fastest preset).
 */
export const LadderProfiles = ['default', 'passthrough', 'low-cpu'] as const;
export type LadderProfile = (typeof LadderProfiles)[number];
