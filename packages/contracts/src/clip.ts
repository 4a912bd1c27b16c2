import { z } from 'zod';

export const ClipPolicies = ['viewers', 'owner', 'off'] as const;
export type ClipPolicy = (typeof ClipPolicies)[number];
export const ClipStatuses = ['processing', 'ready', 'failed'] as const;

/** Length of a live clip: the last 15 to 60 seconds. */
export const LIVE_CLIP_SECONDS = { min: 15, max: 60 } as const;
/** Length of a VOD clip range. */
export const VOD_CLIP_SECONDS = { min: 5, max: 60 } as const;
/** How far back from the live edge a clip may reach when the channel's DVR window is shorter (or off). */
export const LIVE_CLIP_REACH_SECONDS = 60;

const title = z.string().trim().min(1).max(100);

/** Body of `POST /v1/clips`: the last seconds of a live broadcast, or a range of a VOD. */
export const CreateClipSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('live'),
      /** Channel id or slug. */
      channel: z.string().min(1).max(64),
      /** Length of the clip, ending where the viewer is (15-60 s). */
      durationSeconds: z.number().positive().max(3600),
      /** How far behind the live edge the viewer is watching (DVR); 0 or absent = the edge. */
      behindLiveSeconds: z.number().min(0).max(86_400).optional(),
      title: title.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('vod'),
      vodId: z.string().uuid(),
      startSeconds: z.number().min(0).max(1_000_000),
      endSeconds: z.number().positive().max(1_000_000),
      title: title.optional(),
    })
    .strict(),
]);
export type CreateClip = z.infer<typeof CreateClipSchema>;

export const UpdateClipSchema = z
  .object({ title: title.optional(), hidden: z.boolean().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'at least one field');
export type UpdateClip = z.infer<typeof UpdateClipSchema>;

/** A clip as the REST API returns it. */
export const ClipSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  channelSlug: z.string(),
  channelTitle: z.string(),
  /** Where it was cut from: a live session or a VOD. */
  liveSessionId: z.string().uuid().nullable(),
  vodId: z.string().uuid().nullable(),
  title: z.string(),
  status: z.enum(ClipStatuses),
  /** Hidden by the channel owner: nobody else sees it. */
  hidden: z.boolean(),
  requestedSeconds: z.number(),
  /** The cut's length: starts on the keyframe at or before the asked start, so up to one keyframe interval longer. */
  durationSeconds: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  viewCount: z.number().int(),
  failureReason: z.string().nullable(),
  /** HLS (one rendition) when ready. */
  playbackUrl: z.string().nullable(),
  /** The MP4 file when ready (download or `<video src>`). */
  mp4Url: z.string().nullable(),
  posterUrl: z.string().nullable(),
  /** The clip's page. */
  pageUrl: z.string(),
  /** The player-only page for other sites' iframes. */
  embedUrl: z.string(),
  /** Whether the caller may hide, rename or delete it. */
  canModerate: z.boolean(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
});
export type Clip = z.infer<typeof ClipSchema>;

/** Job: cut a clip from the covering HLS segments (stream copy) into `storagePrefix`. */
export const ClipJobSchema = z.object({
  clipId: z.string().uuid(),
  storagePrefix: z.string().regex(/^clip\/[a-z0-9-]+$/),
  /** Storage folder the segments are in, e.g. `live/<session>/720p` or `vod/<id>/hls/720p`. */
  sourcePrefix: z.string().regex(/^[a-z0-9/_-]+$/),
  /** fMP4 initialization segment (LL-HLS renditions), relative to `sourcePrefix`; absent for MPEG-TS. */
  init: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  /** The covering segments, in order, relative to `sourcePrefix`. */
  segments: z.array(z.object({ uri: z.string().regex(/^[A-Za-z0-9_.-]+$/), duration: z.number().nonnegative() })).min(1).max(100),
  /** Where the asked range starts, in seconds from the first segment's start. */
  offsetSeconds: z.number().nonnegative(),
  /** The asked length. */
  durationSeconds: z.number().positive(),
});
export type ClipJob = z.infer<typeof ClipJobSchema>;

/** Queue attempts of a clip job; the last failed attempt marks the clip failed. */
export const CLIP_ATTEMPTS = 2;

/** worker -> API: how a clip cut ended. */
export const WorkerClipResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ready'),
    durationSeconds: z.number().positive(),
    width: z.number().int().nonnegative(),
    height: z.number().int().nonnegative(),
  }),
  z.object({ status: z.literal('failed'), reason: z.string().max(2000) }),
]);
export type WorkerClipResult = z.infer<typeof WorkerClipResultSchema>;

/** Storage layout of a clip, relative to its prefix `clip/<id>`. */
export const CLIP_FILES = {
  mp4: 'clip.mp4',
  playlist: 'hls/index.m3u8',
  poster: 'poster.jpg',
} as const;
