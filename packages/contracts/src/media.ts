import { z } from 'zod';

/** What the ingest learned about a published stream (from its metadata and codec headers). */
export const SourceInfoSchema = z.object({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  fps: z.number().nonnegative(),
  hasAudio: z.boolean(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

/** One rung of an HLS ladder. `passthrough` renditions copy the source video instead of encoding. */
export const RenditionSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]+$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  videoBitrateKbps: z.number().int().positive(),
  audioBitrateKbps: z.number().int().nonnegative(),
  passthrough: z.boolean(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

export const LadderProfiles = ['default', 'passthrough'] as const;
export type LadderProfile = (typeof LadderProfiles)[number];
