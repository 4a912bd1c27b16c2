import { z } from 'zod';

export const SlugSchema = z
  .string()
  .min(3)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const CreateChannelSchema = z
  .object({
    slug: SlugSchema,
    title: z.string().trim().min(1).max(140),
    passthrough: z.boolean().optional(),
  })
  .strict();
export type CreateChannel = z.infer<typeof CreateChannelSchema>;

export const LiveSessionStates = ['starting', 'live', 'reconnecting', 'ended', 'failed'] as const;
export type LiveSessionState = (typeof LiveSessionStates)[number];

export const LiveSessionSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  state: z.enum(LiveSessionStates),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  renditions: z.array(z.string()),
  playbackUrl: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type LiveSession = z.infer<typeof LiveSessionSchema>;

export const ChannelSchema = z.object({
  id: z.string().uuid(),
  slug: z.string(),
  title: z.string(),
  passthrough: z.boolean(),
  createdAt: z.string(),
  status: z.enum(['offline', 'live']),
  liveSession: LiveSessionSchema.nullable(),
});
export type Channel = z.infer<typeof ChannelSchema>;

export const StreamKeySchema = z.object({
  streamKey: z.string(),
  rtmpUrl: z.string(),
  createdAt: z.string(),
});
export type StreamKey = z.infer<typeof StreamKeySchema>;

export const PageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
