import { z } from 'zod';
import { SourceInfoSchema } from './media.js';

/**
 * The internal API that ingest and worker processes call on the API (`/internal/...`), authenticated
 * with the shared `ONDA_INTERNAL_TOKEN` as a bearer token.
 */

/** ingest -> API when an encoder sends `publish`: the key is checked before the publish is answered. */
export const IngestAuthorizeSchema = z.object({
  streamKey: z.string().min(1).max(200),
  clientIp: z.string().max(100),
  ingestId: z.string().max(100),
});
export type IngestAuthorize = z.infer<typeof IngestAuthorizeSchema>;

export const IngestAuthorizeResultSchema = z.object({
  sessionId: z.string().uuid(),
  channelId: z.string().uuid(),
});
export type IngestAuthorizeResult = z.infer<typeof IngestAuthorizeResultSchema>;

/** ingest -> API once the stream's metadata is known; the API queues the live job. */
export const IngestStartedSchema = z.object({
  source: SourceInfoSchema,
  pullUrl: z.string().startsWith('rtmp://'),
});
export type IngestStarted = z.infer<typeof IngestStartedSchema>;

/** ingest -> API when the encoder's connection closes. */
export const IngestDisconnectedSchema = z.object({
  reason: z.string().max(200),
});

/** worker -> API: lifecycle and health of the live transcode. */
export const WorkerEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), renditions: z.array(z.string()).min(1) }),
  z.object({
    type: z.literal('ffmpeg-exit'),
    run: z.number().int().nonnegative(),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    reason: z.string().nullable(),
    willRestart: z.boolean(),
  }),
  z.object({
    type: z.literal('health'),
    fps: z.number().nullable(),
    bitrateKbps: z.number().nullable(),
    speed: z.number().nullable(),
    droppedFrames: z.number().int().nullable(),
  }),
  /**
   * The broadcast runs lighter than planned (reason set) or is back to its full ladder (reason null):
   * `level` is the overload step (0 = full ladder), `renditions` what ffmpeg produces now.
   */
  z.object({
    type: z.literal('degraded'),
    level: z.number().int().nonnegative(),
    maxLevel: z.number().int().nonnegative(),
    reason: z.string().max(500).nullable(),
    renditions: z.array(z.string()),
  }),
  z.object({
    type: z.literal('ended'),
    mediaSeconds: z.number().nonnegative(),
    /** Media the recording holds but the live playlists skipped while the ladder restarted at load steps. */
    skippedSeconds: z.number().nonnegative().optional(),
  }),
  z.object({ type: z.literal('failed'), reason: z.string().max(2000) }),
  /** A new live thumbnail (`<storagePrefix>/thumb.jpg`) is in storage. */
  z.object({ type: z.literal('thumbnail') }),
]);
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

/** API -> worker: what the worker needs to decide between restarting ffmpeg and finishing. */
export const WorkerSessionViewSchema = z.object({
  id: z.string().uuid(),
  state: z.enum(['starting', 'live', 'reconnecting', 'ended', 'failed']),
  publisherConnected: z.boolean(),
  /**
   * Where the current publish can be pulled (the ingest node holding it): after an encoder reconnects
   * through a balancer it may be on another node than the job's pullUrl. null = the new node has not
   * reported yet; absent = an API that does not track it (use the job's).
   */
  pullUrl: z.string().startsWith('rtmp://').nullable().optional(),
  /** The reconnect window has passed: finish the playlists (ENDLIST), then report `ended`. */
  finish: z.boolean().optional(),
});
export type WorkerSessionView = z.infer<typeof WorkerSessionViewSchema>;

/** API -> ingest (polled every few seconds per publisher): `disconnect` = close the RTMP session now. */
export const IngestSessionViewSchema = z.object({
  id: z.string().uuid(),
  state: z.enum(['starting', 'live', 'reconnecting', 'ended', 'failed']),
  disconnect: z.boolean(),
});
export type IngestSessionView = z.infer<typeof IngestSessionViewSchema>;
