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
  z.object({ type: z.literal('ended'), mediaSeconds: z.number().nonnegative() }),
  z.object({ type: z.literal('failed'), reason: z.string().max(2000) }),
]);
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

/** API -> worker: what the worker needs to decide between restarting ffmpeg and finishing. */
export const WorkerSessionViewSchema = z.object({
  id: z.string().uuid(),
  state: z.enum(['starting', 'live', 'reconnecting', 'ended', 'failed']),
  publisherConnected: z.boolean(),
});
export type WorkerSessionView = z.infer<typeof WorkerSessionViewSchema>;

/** API -> ingest (polled every few seconds per publisher): `disconnect` = close the RTMP session now. */
export const IngestSessionViewSchema = z.object({
  id: z.string().uuid(),
  state: z.enum(['starting', 'live', 'reconnecting', 'ended', 'failed']),
  disconnect: z.boolean(),
});
export type IngestSessionView = z.infer<typeof IngestSessionViewSchema>;
