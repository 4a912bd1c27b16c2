import { z } from 'zod';

/**
 * The LL-HLS playlist model of one rendition: the worker owns it, stores it beside the parts
 * (`<rendition>/ll.json`) and announces every change to the API, which renders playlists from it
 * (full, delta, with rendition reports) and wakes blocked playlist requests.
 */
const uri = z.string().regex(/^[A-Za-z0-9_.-]+$/).max(100);

export const LlPartSchema = z.object({
  uri,
  duration: z.number().positive(),
  /** The part starts with a keyframe. */
  independent: z.boolean(),
});
export type LlPart = z.infer<typeof LlPartSchema>;

export const LlSegmentSchema = z.object({
  msn: z.number().int().nonnegative(),
  uri,
  duration: z.number().positive(),
  discontinuity: z.boolean(),
  programDateTime: z.string(),
  /** The init segment (EXT-X-MAP) this segment decodes with. */
  map: uri,
  /** Its parts, kept only for the last few segments of the window. */
  parts: z.array(LlPartSchema).max(100),
});
export type LlSegment = z.infer<typeof LlSegmentSchema>;

export const LlPlaylistModelSchema = z.object({
  rendition: z.string().regex(/^[A-Za-z0-9_-]+$/).max(50),
  /** Every rendition of the broadcast (for rendition reports). */
  renditions: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/).max(50)).max(20),
  targetDuration: z.number().int().positive(),
  partTarget: z.number().positive(),
  mediaSequence: z.number().int().nonnegative(),
  discontinuitySequence: z.number().int().nonnegative(),
  segments: z.array(LlSegmentSchema).max(2000),
  /** The segment being built from parts (msn = mediaSequence + segments.length); null before its first part. */
  open: z
    .object({ discontinuity: z.boolean(), programDateTime: z.string(), map: uri, parts: z.array(LlPartSchema).max(100) })
    .nullable(),
  /** The next part's URI (EXT-X-PRELOAD-HINT). */
  preloadHint: uri.nullable(),
  ended: z.boolean(),
});
export type LlPlaylistModel = z.infer<typeof LlPlaylistModelSchema>;
