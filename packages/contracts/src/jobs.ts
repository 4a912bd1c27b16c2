import { z } from 'zod';
import { LatencyModes } from './channel.js';
import { LadderProfiles, SourceInfoSchema } from './media.js';
import { ClipJobSchema } from './clip.js';
import { VodEncodeJobSchema } from './vod.js';

/** A live broadcast to transcode: one ffmpeg pulls `pullUrl` and writes the HLS ladder under `storagePrefix`. */
export const LiveJobSchema = z.object({
  sessionId: z.string().uuid(),
  channelId: z.string().uuid(),
  pullUrl: z.string().startsWith('rtmp://'),
  source: SourceInfoSchema,
  profile: z.enum(LadderProfiles),
  passthrough: z.boolean(),
  segmentSeconds: z.number().positive().default(2),
  storagePrefix: z.string().regex(/^[a-z0-9/_-]+$/),
  /** Also record the source; chunks go to `vod/<sessionId>/archive/` (absent = off). */
  recording: z.boolean().optional(),
  /** `low`: LL-HLS (fMP4 parts, blocking playlist reload); `normal` or absent: 2 s MPEG-TS segments. */
  latencyMode: z.enum(LatencyModes).optional(),
  /**
   * Set on the job a draining worker enqueues for a successor: run `run` on in its own ffmpeg, hold its output
   * until the predecessor releases the broadcast (markers under `handover/<sessionId>/<token>/`, see the worker).
   * `until`: the predecessor's drain deadline (epoch ms); a successor not released by then stands down.
   */
  handover: z.object({ token: z.string().uuid(), run: z.number().int().positive(), until: z.number().int().positive() }).optional(),
});
export type LiveJob = z.infer<typeof LiveJobSchema>;

/** Every job the queue knows, by name. Add a job here and both drivers carry it. */
export const JobSchemas = {
  live: LiveJobSchema,
  'vod-encode': VodEncodeJobSchema,
  clip: ClipJobSchema,
} as const;
export type JobName = keyof typeof JobSchemas;
export type JobPayload<N extends JobName> = z.infer<(typeof JobSchemas)[N]>;
