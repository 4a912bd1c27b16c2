import { z } from 'zod';
import { LadderProfiles } from './media.js';

export const SlugSchema = z
  .string()
  .min(3)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const ChannelVisibilities = ['public', 'unlisted', 'private'] as const;
export type ChannelVisibility = (typeof ChannelVisibilities)[number];
export const LatencyModes = ['normal', 'low'] as const;

/** Settings an owner may change after creation (PATCH body: every field optional). */
const channelSettings = {
  title: z.string().trim().min(1).max(140),
  description: z.string().max(2000),
  visibility: z.enum(ChannelVisibilities),
  passthrough: z.boolean(),
  recording: z.boolean(),
  reconnectWindowSeconds: z.number().int().min(0).max(600),
  latencyMode: z.enum(LatencyModes),
  ladderProfile: z.enum(LadderProfiles),
};

export const CreateChannelSchema = z
  .object({
    slug: SlugSchema,
    title: channelSettings.title,
    description: channelSettings.description.optional(),
    visibility: channelSettings.visibility.optional(),
    passthrough: channelSettings.passthrough.optional(),
    recording: channelSettings.recording.optional(),
    reconnectWindowSeconds: channelSettings.reconnectWindowSeconds.optional(),
    latencyMode: channelSettings.latencyMode.optional(),
    ladderProfile: channelSettings.ladderProfile.optional(),
  })
  .strict();
export type CreateChannel = z.infer<typeof CreateChannelSchema>;

export const UpdateChannelSchema = z
  .object(channelSettings)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one field');
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;

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
  description: z.string(),
  visibility: z.enum(ChannelVisibilities),
  recording: z.boolean(),
  reconnectWindowSeconds: z.number().int(),
  latencyMode: z.enum(LatencyModes),
  ladderProfile: z.string(),
  createdAt: z.string(),
  status: z.enum(['offline', 'live']),
  liveSession: LiveSessionSchema.nullable(),
});
export type Channel = z.infer<typeof ChannelSchema>;

export const StreamKeySchema = z.object({
  streamKey: z.string().nullable(),
  rtmpUrl: z.string(),
  createdAt: z.string(),
});
export type StreamKey = z.infer<typeof StreamKeySchema>;

export const PageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Where viewers fetch a channel's HLS; private channels get a signed URL that expires. */
export const PlaybackSchema = z.object({
  channelId: z.string().uuid(),
  visibility: z.enum(ChannelVisibilities),
  live: z.boolean(),
  hlsUrl: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type Playback = z.infer<typeof PlaybackSchema>;
