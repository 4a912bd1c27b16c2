import { z } from 'zod';
import { ClipPolicies } from './clip.js';
import { LadderProfiles } from './media.js';

export const SlugSchema = z
  .string()
  .min(3)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const ChannelVisibilities = ['public', 'unlisted', 'private'] as const;
export type ChannelVisibility = (typeof ChannelVisibilities)[number];
export const LatencyModes = ['normal', 'low'] as const;

/** An origin allowed to embed a channel's player: `https://example.com` or `http://host:8080`, nothing after the host. */
export const EmbedOriginSchema = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i, 'an origin: http(s)://host[:port], no path')
  .transform((value) => value.toLowerCase());
/** The longest DVR window a channel may ask for; the live playlist window (LIVE_WINDOW_SECONDS) bounds it too. */
export const MaxDvrWindowSeconds = 86_400;

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
  /** Seconds a live viewer may rewind (0 = DVR off); the live playlist window bounds it. */
  dvrWindowSeconds: z.number().int().min(0).max(MaxDvrWindowSeconds),
  /** Sites allowed to frame the embed player (empty: none). */
  embedOrigins: z.array(EmbedOriginSchema).max(20),
  /** Who may clip the channel's broadcasts and VODs: signed-in viewers, only the owner, or nobody. */
  clipPolicy: z.enum(ClipPolicies),
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
    dvrWindowSeconds: channelSettings.dvrWindowSeconds.optional(),
    embedOrigins: channelSettings.embedOrigins.optional(),
    clipPolicy: channelSettings.clipPolicy.optional(),
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

/** File name of a live session's thumbnail in storage (`<storagePrefix>/thumb.jpg`), written by the worker. */
export const THUMBNAIL_FILE = 'thumb.jpg';

export const LiveSessionSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  state: z.enum(LiveSessionStates),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  renditions: z.array(z.string()),
  /** The latency mode the broadcast runs in (the channel's setting when it started). */
  latencyMode: z.enum(LatencyModes),
  playbackUrl: z.string().nullable(),
  endReason: z.string().nullable(),
  /** The worker runs this broadcast lighter than planned because it is short of CPU (fewer or lighter renditions). */
  degraded: z.boolean().optional(),
  /**
   * The newest live thumbnail (a JPEG of the stream, refreshed about every 30 s), signed like the playlists for a
   * private channel; null before the first one. The URL changes with every new picture.
   */
  thumbnailUrl: z.string().nullable().optional(),
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
  dvrWindowSeconds: z.number().int(),
  embedOrigins: z.array(z.string()),
  clipPolicy: z.enum(ClipPolicies),
  createdAt: z.string(),
  status: z.enum(['offline', 'live']),
  liveSession: LiveSessionSchema.nullable(),
  /** While live: the newest live thumbnail (see LiveSession.thumbnailUrl); null offline or before the first one. */
  thumbnailUrl: z.string().nullable().optional(),
  /** While live, in listings and reads: people watching now (everyone in the channel's chat room, on every node). */
  viewerCount: z.number().int().nonnegative().optional(),
  /** Whose channel it is: only for a caller who manages it as an operator (`owner=all` listings and reads of other accounts' channels). */
  owner: z.object({ id: z.string().uuid(), email: z.string(), displayName: z.string() }).optional(),
});
export type Channel = z.infer<typeof ChannelSchema>;

export const StreamKeySchema = z.object({
  streamKey: z.string().nullable(),
  rtmpUrl: z.string(),
  createdAt: z.string(),
});
export type StreamKey = z.infer<typeof StreamKeySchema>;

/** How much of a stream key may be shown (logs, the stored key prefix): `live_` and four more characters. */
export const STREAM_KEY_SHOWN_LENGTH = 9;
/** The one redaction rule for stream keys: enough to tell keys apart, never enough to publish with. */
export const redactStreamKey = (streamKey: string): string => `${streamKey.slice(0, STREAM_KEY_SHOWN_LENGTH)}…`;

export const PageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Where viewers fetch a channel's HLS; private channels get a signed URL that expires. */
export const PlaybackSchema = z.object({
  channelId: z.string().uuid(),
  visibility: z.enum(ChannelVisibilities),
  live: z.boolean(),
  hlsUrl: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** How the live stream is packaged: `low` is LL-HLS (players should enable their low-latency mode). */
  latencyMode: z.enum(LatencyModes),
});
export type Playback = z.infer<typeof PlaybackSchema>;
