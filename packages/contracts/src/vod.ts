import { z } from 'zod';

export const VodStatuses = ['uploading', 'processing', 'ready', 'failed'] as const;
export type VodStatus = (typeof VodStatuses)[number];

/** A video on demand as the REST API returns it. */
export const VodSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  liveSessionId: z.string().uuid().nullable(),
  origin: z.enum(['recording', 'upload']),
  title: z.string(),
  status: z.enum(VodStatuses),
  durationSeconds: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  renditions: z.array(z.string()),
  /** Encode progress 0-100 and the estimated seconds left while `processing`. */
  progressPercent: z.number(),
  etaSeconds: z.number().nullable(),
  failureReason: z.string().nullable(),
  /** HLS to play: the VOD ladder when ready, else the broadcast's live HLS (instant replay), else null. */
  playbackUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
  storyboardUrl: z.string().nullable(),
  /**
   * The source file (upload or joined recording) as a download: for the channel owner only (null for
   * everyone else, and until a source is stored). A presigned storage URL or a signed /media URL; expires.
   */
  downloadUrl: z.string().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
});
export type Vod = z.infer<typeof VodSchema>;

export const UpdateVodSchema = z.object({ title: z.string().trim().min(1).max(140) }).strict();
export type UpdateVod = z.infer<typeof UpdateVodSchema>;

/** Starts an upload: the answer says where to PUT the file, then `complete` queues the encode. */
export const CreateVodUploadSchema = z
  .object({
    channel: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(140),
    /** Declared size; larger than the server's limit is refused up front. */
    bytes: z.number().int().positive().optional(),
    contentType: z.string().max(100).optional(),
    /**
     * true (default): a presigned URL straight to the object store when it has one (S3); false, or a
     * store that cannot presign (local disk): `PUT /v1/vods/:id/source` through the API.
     */
    direct: z.boolean().optional(),
  })
  .strict();
export type CreateVodUpload = z.infer<typeof CreateVodUploadSchema>;

export const VodUploadTicketSchema = z.object({
  vod: VodSchema,
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  /**
   * Headers the PUT must carry (Content-Type, which a presigned URL signs); credentials are not included:
   * a PUT to the API authenticates like any other call (API token or console session).
   */
  headers: z.record(z.string(), z.string()),
  maxBytes: z.number().int(),
  /** When a presigned `uploadUrl` stops working (null for uploads through the API). */
  expiresAt: z.string().nullable(),
});
export type VodUploadTicket = z.infer<typeof VodUploadTicketSchema>;

/** Job: re-encode a stored source MP4 into the VOD ladder, poster and storyboard under `storagePrefix`. */
export const VodEncodeJobSchema = z.object({
  vodId: z.string().uuid(),
  sourceKey: z.string().min(1),
  storagePrefix: z.string().regex(/^[a-z0-9/_-]+$/),
  /** A recording's media time: the joined archive must match it (absent for uploads). */
  expectedSeconds: z.number().nonnegative().optional(),
});
export type VodEncodeJob = z.infer<typeof VodEncodeJobSchema>;

/** Queue attempts of a vod-encode job; the last failed attempt marks the VOD failed. */
export const VOD_ENCODE_ATTEMPTS = 3;

/** worker -> API: the broadcast's archive is joined, uploaded and probed (or could not be). */
export const WorkerArchiveReportSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('stored'),
    key: z.string().min(1),
    bytes: z.number().int().nonnegative(),
    /** ffprobe's duration of the stored MP4. */
    durationSeconds: z.number().nonnegative(),
    /** Media time of the live playlists, to check the archive against. */
    mediaSeconds: z.number().nonnegative(),
    /**
     * Extra difference allowed because workers died during the broadcast and another took over: each takeover
     * cuts the playlists and the archive at different points (the archive may lack up to a chunk and a segment,
     * or hold up to two segments the playlists lack).
     */
    takeoverSlack: z.object({ shortSeconds: z.number().nonnegative(), longSeconds: z.number().nonnegative() }).optional(),
  }),
  z.object({ status: z.literal('failed'), reason: z.string().max(2000) }),
]);
export type WorkerArchiveReport = z.infer<typeof WorkerArchiveReportSchema>;

/** worker -> API: VOD encode progress. */
export const WorkerVodProgressSchema = z.object({
  percent: z.number().min(0).max(100),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type WorkerVodProgress = z.infer<typeof WorkerVodProgressSchema>;

/** worker -> API: how a VOD encode ended. */
export const WorkerVodResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ready'),
    durationSeconds: z.number().nonnegative(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    renditions: z.array(z.string()).min(1),
  }),
  z.object({ status: z.literal('failed'), reason: z.string().max(2000) }),
]);
export type WorkerVodResult = z.infer<typeof WorkerVodResultSchema>;

/** Storage layout of a VOD, relative to its prefix `vod/<id>`. */
export const VOD_FILES = {
  archiveChunks: 'archive',
  /** A recording's joined archive. */
  source: 'source.mp4',
  /** An uploaded file, as the uploader sent it (any video container). */
  upload: 'upload',
  master: 'hls/master.m3u8',
  poster: 'poster.jpg',
  storyboardVtt: 'storyboard.vtt',
  storyboardSprite: 'storyboard.jpg',
} as const;
